/**
 * The DPOR core (src/explore/dpor): known counts, the GenMC anchors
 * (docs: /shared/reference dpor-and-lock-checking.md §4, §8, failed CAS = read),
 * a brute-force differential over random small programs, and negative controls.
 * Deterministic: counts, never clocks.
 */
import test from 'ava';
import { testProp, fc } from '@fast-check/ava';
import { dependent, type Dependence } from '../src/explore/dpor/access.ts';
import { exploreDpor } from '../src/explore/dpor/dpor.ts';
import { ProgramSystem, ainc, casrot, distinctAdds, kinc, wrw, type ProgOp, type Program } from '../src/explore/dpor/program.ts';
import { bruteForce, canonicalTrace, differential } from '../src/explore/dpor/brute.ts';

const traces = (p: Program): number => {
  const r = exploreDpor(new ProgramSystem(p));
  if (!r.exhaustive) throw new Error('not exhaustive');
  return r.traces;
};
const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));

test('dependence: same word with a write conflicts, reads commute, different words commute, wait/notify', (t) => {
  const r = (word: number) => [{ word, kind: 'read' as const }];
  const w = (word: number) => [{ word, kind: 'write' as const }];
  const x = (word: number) => [{ word, kind: 'rmw' as const }];
  const wait = (word: number) => [{ word, kind: 'wait' as const }];
  const notify = (word: number) => [{ word, kind: 'notify' as const }];
  t.false(dependent(r(0), r(0)));
  t.true(dependent(r(0), w(0)));
  t.true(dependent(x(0), r(0)));
  t.true(dependent(x(0), x(0)));
  t.false(dependent(w(0), w(1)));
  t.true(dependent(wait(0), notify(0)));
  t.true(dependent(wait(0), w(0)));
  t.true(dependent(notify(0), x(0)));
  t.true(dependent(wait(0), wait(0)));
  t.false(dependent(wait(0), r(0)));
  t.false(dependent(notify(0), notify(1)));
  t.true(dependent([...r(1), ...w(2)], w(2)));
});

test('N actors, one Atomics.add each on one word: N! traces (GenMC ainc)', (t) => {
  for (let n = 1; n <= 5; n++) t.is(traces(ainc(n)), fact(n), `N=${n}`);
});

test('N actors, one Atomics.add each on distinct words: 1 trace', (t) => {
  for (let n = 1; n <= 6; n++) t.is(traces(distinctAdds(n)), 1, `N=${n}`);
});

test('binc / cinc: (N!)^k traces', (t) => {
  t.is(traces(kinc(2, 2)), 4);
  t.is(traces(kinc(3, 2)), 36);
  t.is(traces(kinc(2, 3)), 8);
  t.is(traces(kinc(3, 3)), 216);
});

test('casrot 2/5/14/43 for N=2..5 (a failed compareExchange is a read)', (t) => {
  t.deepEqual([2, 3, 4, 5].map((n) => traces(casrot(n))), [2, 5, 14, 43]);
});

test('wrw 22/300 for N=2,3', (t) => {
  t.is(traces(wrw(2)), 22);
  t.is(traces(wrw(3)), 300);
});

test('no sleep-set blocked executions on the anchors, and the result says exhaustive', (t) => {
  const r = exploreDpor(new ProgramSystem(wrw(2)));
  t.true(r.exhaustive);
  t.is(r.cutBy, null);
  t.is(r.blocked, 0);
  t.true(r.sleepBlocked >= 0);
});

test('bounds: an execution budget and a step cap make the result non-exhaustive and say which bound cut it', (t) => {
  const a = exploreDpor(new ProgramSystem(ainc(4)), { maxExecutions: 5 });
  t.false(a.exhaustive);
  t.is(a.traces, 5);
  t.regex(a.cutBy ?? '', /execution budget 5/);
  const b = exploreDpor(new ProgramSystem(kinc(2, 3)), { maxSteps: 4 });
  t.false(b.exhaustive);
  t.regex(b.cutBy ?? '', /step cap 4/);
});

test('onExecution sees every complete execution once, in its final state; stop ends the search', (t) => {
  const sys = new ProgramSystem(ainc(3));
  const seen = new Set<string>();
  exploreDpor(sys, { onExecution: (e) => void seen.add(e.schedule.join('')) });
  t.is(seen.size, 6);
  let n = 0;
  const r = exploreDpor(sys, { onExecution: () => (++n === 2 ? 'stop' : undefined) });
  t.is(n, 2);
  t.false(r.exhaustive);
});

test('canonical trace: two orders of independent steps are one class; of dependent ones, two', (t) => {
  const a = { actor: 0, accesses: [{ word: 0, kind: 'write' as const }] };
  const b = { actor: 1, accesses: [{ word: 1, kind: 'write' as const }] };
  const c = { actor: 1, accesses: [{ word: 0, kind: 'write' as const }] };
  t.is(canonicalTrace([a, b]), canonicalTrace([b, a]));
  t.not(canonicalTrace([a, c]), canonicalTrace([c, a]));
});

test('brute force on wrw(2): 30 interleavings, 22 classes', (t) => {
  const sys = new ProgramSystem(wrw(2));
  const r = bruteForce(sys, () => sys.finalState());
  t.is(r.interleavings, 30);
  t.is(r.classes.size, 22);
});

// ---- the differential ---------------------------------------------------------------

const WORDS = 3;
const opArb: fc.Arbitrary<ProgOp> = fc.oneof(
  fc.record({ op: fc.constant('load' as const), word: fc.nat(WORDS - 1) }),
  fc.record({ op: fc.constant('store' as const), word: fc.nat(WORDS - 1), value: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ op: fc.constant('add' as const), word: fc.nat(WORDS - 1), value: fc.integer({ min: 1, max: 2 }) }),
  fc.record({ op: fc.constant('exchange' as const), word: fc.nat(WORDS - 1), value: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ op: fc.constant('cas' as const), word: fc.nat(WORDS - 1), expected: fc.integer({ min: 0, max: 2 }), value: fc.integer({ min: 0, max: 2 }) }),
);
const programArb: fc.Arbitrary<Program> = fc
  .array(fc.array(opArb, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 3 })
  .map((actors) => ({ words: WORDS, actors }));

testProp(
  'DPOR = brute force on random programs: the same final states, one complete execution per trace class',
  [programArb],
  (t, program) => {
    const sys = new ProgramSystem(program);
    const d = differential(sys, () => sys.finalState());
    t.true(d.ok, d.mismatch ?? '');
  },
  { numRuns: 250, seed: 2124 },
);

// ---- negative controls: a broken dependence relation must be caught ------------------

const nothingDepends: Dependence = () => false;
/** forgets that a failed CAS's read conflicts with a write (treats reads as never conflicting) */
const readsNeverConflict: Dependence = (a, b) =>
  a.some((x) => b.some((y) => x.word === y.word && x.kind !== 'read' && y.kind !== 'read'));

test('negative control: with every step independent, the differential reports a mismatch', (t) => {
  const sys = new ProgramSystem(ainc(2));
  const d = differential(sys, () => sys.finalState(), nothingDepends);
  t.false(d.ok);
  t.regex(d.mismatch ?? '', /missed final state/);
  t.regex(d.mismatch ?? '', /1 complete execution\(s\), brute force found 2/);
});

test('negative control: a relation where reads never conflict misses wrw outcomes', (t) => {
  const sys = new ProgramSystem(wrw(2));
  const d = differential(sys, () => sys.finalState(), readsNeverConflict);
  t.false(d.ok);
  t.truthy(d.mismatch);
});

test('negative control: over random programs, the broken relation is caught on most of them', (t) => {
  let caught = 0;
  fc.assert(
    fc.property(programArb, (program) => {
      const sys = new ProgramSystem(program);
      if (!differential(sys, () => sys.finalState(), nothingDepends).ok) caught++;
    }),
    { numRuns: 100, seed: 7 },
  );
  t.true(caught > 50, `caught ${caught} of 100`);
});

test('without checkpoints (reset and replay) the explorer finds the same counts', (t) => {
  for (const p of [wrw(2), casrot(4), kinc(3, 2)]) {
    const inner = new ProgramSystem(p);
    const plain = {
      actors: inner.actors,
      reset: () => inner.reset(),
      pending: (a: number) => inner.pending(a),
      enabled: (a: number) => inner.enabled(a),
      step: (a: number) => inner.step(a),
    };
    const a = exploreDpor(plain);
    const b = exploreDpor(new ProgramSystem(p));
    t.is(a.traces, b.traces);
    t.is(a.sleepBlocked, b.sleepBlocked);
  }
});
