/**
 * Property test over random sequential scenarios (fast-check), under every design.
 *
 * Scenarios are generated as abstract steps (op kind + an index) and resolved
 * against the threads alive at that point, so every generated scenario is valid
 * and shrinking stays valid too. Some end by exiting every thread.
 *
 * After every step (runScenarioFull's onStep):
 *   - no violation so far: the runner audits after each step (refcount
 *     conservation refs = heads + live children, acyclic chains, mode filter <=>
 *     head non-null) and the model's own checkers run inside each op;
 *   - mode filter <=> a non-empty chain, for every live thread (again, from outside);
 *   - every thread alive before and after only grew: its old chain is a suffix of
 *     its new one; mode never goes back; nnp is never cleared;
 *   - when every thread has exited, no filter node is left allocated.
 * And the whole result equals that of a small independent spec of each design
 * (below), written from the reference and the issue, not from the model.
 * Counterexamples are shrunk and printed by fast-check.
 */
import type { BugName } from '../src/seccomp/bug.ts';
import test from 'ava';
import { testProp, fc } from '@fast-check/ava';
import { runScenarioFull, type StepSnapshot } from '../src/scenario/run.ts';
import type { Flag, Result, Scenario, Step, StepResult, ThreadState } from '../src/scenario/types.ts';

// ---- generating scenarios ------------------------------------------------------------

type Kind = 'set_nnp' | 'attach' | 'tsync' | 'tsync_esrch' | 'esrch_only' | 'clone' | 'exit' | 'sync';
interface Abstract {
  kind: Kind;
  who: number;
  insns: number;
}

/** Program lengths: mostly small, sometimes invalid; `big` scenarios reach the 32768 path limit. */
const insnsArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(1) },
  { weight: 3, arbitrary: fc.constantFrom(2048, 4096, 4068, 4069) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 4096 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 4097) },
);
const bigInsnsArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(4096, 4068, 4069, 4092) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 64 }) });
const kindArb = (withSync: boolean) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant<Kind>('set_nnp') },
    { weight: 4, arbitrary: fc.constant<Kind>('attach') },
    { weight: 4, arbitrary: fc.constant<Kind>('tsync') },
    { weight: 1, arbitrary: fc.constant<Kind>('tsync_esrch') },
    { weight: 1, arbitrary: fc.constant<Kind>('esrch_only') },
    { weight: 3, arbitrary: fc.constant<Kind>('clone') },
    { weight: 2, arbitrary: fc.constant<Kind>('exit') },
    { weight: withSync ? 3 : 0, arbitrary: fc.constant<Kind>('sync') },
  );
const abstractArb = (withSync: boolean, big: boolean) => fc.record({ kind: kindArb(withSync), who: fc.nat({ max: 15 }), insns: big ? bigInsnsArb : insnsArb });

const scenarioArb = (withSync: boolean) =>
  fc
    .boolean()
    .chain((big) =>
      fc.record({
        threads: fc.integer({ min: 1, max: 4 }),
        privileged: fc.boolean(),
        ops: fc.array(abstractArb(withSync, big), { maxLength: big ? 40 : 30, size: 'max' }),
        exitAll: fc.boolean(),
      }),
    )
    .map(resolve);

const MAX_THREADS = 10;

/** Abstract steps -> a valid scenario (thread references resolved against the living). */
function resolve(g: { threads: number; privileged: boolean; ops: Abstract[]; exitAll: boolean }): Scenario {
  const threads = Array.from({ length: g.threads }, (_, i) => (i === 0 ? 'main' : `t${i}`));
  const alive = [...threads];
  let total = threads.length;
  let attaches = 0;
  const steps: Step[] = [];
  for (const a of g.ops) {
    if (alive.length === 0) break;
    const thread = alive[a.who % alive.length]!;
    switch (a.kind) {
      case 'set_nnp':
      case 'sync':
        steps.push({ thread, op: a.kind });
        break;
      case 'exit':
        steps.push({ thread, op: 'exit' });
        alive.splice(alive.indexOf(thread), 1);
        break;
      case 'clone': {
        if (total >= MAX_THREADS) break;
        const child = `c${total++}`;
        steps.push({ thread, op: 'clone', child });
        alive.push(child);
        break;
      }
      default: {
        const flags: Flag[] = a.kind === 'tsync' ? ['tsync'] : a.kind === 'tsync_esrch' ? ['tsync', 'tsync_esrch'] : a.kind === 'esrch_only' ? ['tsync_esrch'] : [];
        const st: Step = { thread, op: 'attach', filter: `f${++attaches}` };
        if (flags.length) st.flags = flags;
        if (a.insns !== 1) st.insns = a.insns;
        steps.push(st);
      }
    }
  }
  if (g.exitAll) for (const th of [...alive]) steps.push({ thread: th, op: 'exit' });
  return { name: 'random', privileged: g.privileged, threads, steps };
}

// ---- an independent spec of the three designs -----------------------------------------

interface SNode {
  label: string;
  prev: SNode | null;
  path: number; // insns + 4 summed over the chain from this node
}
interface SThread {
  name: string;
  alive: boolean;
  filter: boolean;
  nnp: boolean;
  head: SNode | null;
}

const PATH_LIMIT = 32768;
const onChain = (n: SNode | null, chain: SNode | null): boolean => {
  if (n === null) return true; // NULL is everyone's ancestor
  for (let c = chain; c; c = c.prev) if (c === n) return true;
  return false;
};
const node = (label: string, insns: number, prev: SNode | null): SNode => ({ label, prev, path: insns + 4 + (prev?.path ?? 0) });
const tooLong = (head: SNode | null, insns: number) => insns + (head?.path ?? 0) > PATH_LIMIT;

function spec(s: Scenario, design: string): Result {
  const list: SThread[] = s.threads.map((name) => ({ name, alive: true, filter: false, nnp: false, head: null }));
  const by = (n: string) => list.find((t) => t.name === n)!;
  const ok: StepResult = { result: 'ok' };
  const err = (errno: 'EINVAL' | 'EACCES' | 'ENOMEM' | 'ESRCH'): StepResult => ({ result: 'error', errno });
  const eligible = (t: SThread, chain: SNode | null) => !t.filter || onChain(t.head, chain);
  const moveOnto = (t: SThread, caller: SThread, nnpIfDisabledOnly: boolean) => {
    if (caller.nnp && (!nnpIfDisabledOnly || !t.filter)) t.nnp = true;
    t.head = caller.head;
    t.filter = true;
  };
  const steps = s.steps.map((st): StepResult => {
    const me = by(st.thread);
    const others = () => list.filter((t) => t !== me && t.alive); // list order: leader, then creation order
    switch (st.op) {
      case 'set_nnp':
        me.nnp = true;
        return ok;
      case 'clone':
        list.push({ name: st.child!, alive: true, filter: me.filter, nnp: me.nnp, head: me.head });
        return ok;
      case 'exit':
        me.alive = false;
        me.head = null;
        return ok;
      case 'sync': {
        if (design !== 'separate-sync') return err('EINVAL');
        if (!me.filter) return err('EACCES');
        // while_each_thread: from the caller's successor, wrapping round; the LAST failure wins
        const i = list.indexOf(me);
        let failed: string | null = null;
        for (const t of [...list.slice(i + 1), ...list.slice(0, i)]) {
          if (!t.alive) continue;
          if (eligible(t, me.head)) moveOnto(t, me, true);
          else failed = t.name;
        }
        return failed === null ? ok : { result: 'tsync_failed', thread: failed };
      }
      case 'attach': {
        const flags = st.flags ?? [];
        const insns = st.insns ?? 1;
        if (design === 'separate-sync' && flags.length > 0) return err('EINVAL');
        if (insns < 1 || insns > 4096) return err('EINVAL');
        if (!me.nnp && !s.privileged) return err('EACCES');
        if (tooLong(me.head, insns)) return err('ENOMEM');
        const label = st.filter!;
        if (!flags.includes('tsync')) {
          me.head = node(label, insns, me.head);
          me.filter = true;
          return ok;
        }
        const bad = others().filter((t) => !eligible(t, me.head));
        if (design === 'force-compose') {
          if (bad.some((t) => tooLong(t.head, insns))) return err('ENOMEM');
          const good = others().filter((t) => eligible(t, me.head));
          for (const t of bad) {
            t.head = node(label, insns, t.head);
            if (me.nnp) t.nnp = true;
          }
          me.head = node(label, insns, me.head);
          me.filter = true;
          for (const t of good) moveOnto(t, me, false);
          return ok;
        }
        if (bad.length > 0) return flags.includes('tsync_esrch') ? err('ESRCH') : { result: 'tsync_failed', thread: bad[0]!.name };
        me.head = node(label, insns, me.head);
        me.filter = true;
        for (const t of others()) moveOnto(t, me, false);
        return ok;
      }
    }
  });
  const threads: Record<string, ThreadState> = {};
  for (const t of list) {
    const filters: string[] = [];
    for (let c = t.head; c; c = c.prev) filters.push(c.label);
    threads[t.name] = t.alive ? { alive: true, mode: t.filter ? 'filter' : 'disabled', nnp: t.nnp, filters } : { alive: false };
  }
  return { steps, threads };
}

// ---- the property -----------------------------------------------------------------------

const isSuffix = (old: string[], now: string[]) => old.length <= now.length && old.every((l, i) => now[now.length - old.length + i] === l);

/** Problems found while running `s` under `design` (empty = fine). */
function check(s: Scenario, design: string, bug: BugName | null = null): string[] {
  const problems: string[] = [];
  let prev: Record<string, ThreadState> = Object.fromEntries(s.threads.map((n) => [n, { alive: true, mode: 'disabled', nnp: false, filters: [] } as ThreadState]));
  const onStep = (snap: StepSnapshot) => {
    const at = `step ${snap.index} (${snap.step.thread} ${snap.step.op}${snap.step.filter ? ` ${snap.step.filter}` : ''})`;
    if (snap.violations > 0) problems.push(`${at}: violation reported`);
    for (const [name, now] of Object.entries(snap.threads)) {
      if (!now.alive) continue;
      if ((now.mode === 'filter') !== now.filters.length > 0) problems.push(`${at}: ${name} mode ${now.mode} with chain [${now.filters}]`);
      const before = prev[name];
      if (!before || !before.alive) continue;
      if (!isSuffix(before.filters, now.filters)) problems.push(`${at}: ${name} chain [${before.filters}] -> [${now.filters}] did not only grow`);
      if (before.mode === 'filter' && now.mode !== 'filter') problems.push(`${at}: ${name} mode went back`);
      if (before.nnp && !now.nnp) problems.push(`${at}: ${name} lost nnp`);
    }
    if (Object.values(snap.threads).every((th) => !th.alive) && snap.liveNodes !== 0) problems.push(`${at}: every thread exited but ${snap.liveNodes} node(s) left`);
    prev = snap.threads;
  };
  const out = runScenarioFull(s, { design, onStep, bug });
  for (const v of out.violations) problems.push(`violation ${v.kind}: ${v.message}${v.op ? ` (${v.op})` : ''}`);
  if (Object.values(out.result.threads).every((th) => !th.alive) && out.liveNodes !== 0) problems.push(`end: ${out.liveNodes} node(s) left after every thread exited`);
  const want = spec(s, design);
  if (JSON.stringify(out.result) !== JSON.stringify(want)) problems.push(`result differs from the spec:\n  model ${JSON.stringify(out.result)}\n  spec  ${JSON.stringify(want)}`);
  return problems;
}

const PARAMS = { numRuns: 400 };

for (const design of ['merged', 'force-compose'] as const) {
  testProp(`random scenarios under ${design}: audits clean, chains only grow, no leak, result = spec`, [scenarioArb(false)], (t, s) => {
    t.deepEqual(check(s, design), [], JSON.stringify(s));
  }, PARAMS);
}

testProp('random scenarios under separate-sync (with sync ops): audits clean, chains only grow, no leak, result = spec', [scenarioArb(true)], (t, s) => {
  t.deepEqual(check(s, 'separate-sync'), [], JSON.stringify(s));
}, PARAMS);

testProp('sync ops are EINVAL and change nothing outside separate-sync', [scenarioArb(true)], (t, s) => {
  for (const design of ['merged', 'force-compose']) t.deepEqual(check(s, design), [], `${design}: ${JSON.stringify(s)}`);
}, { numRuns: 100 });

testProp('where merged never refuses a TSYNC, force-compose gives the same result', [scenarioArb(false)], (t, s) => {
  const merged = runScenarioFull(s, { design: 'merged' }).result;
  fc.pre(!merged.steps.some((r) => r.result === 'tsync_failed' || (r.result === 'error' && r.errno === 'ESRCH')));
  t.deepEqual(runScenarioFull(s, { design: 'force-compose' }).result, merged);
}, { numRuns: 150 });

test('negative control: a seeded bug is caught and shrunk to a tiny counterexample', (t) => {
  for (const bug of ['nnp-not-spread', 'sync-missing-put', 'exiting-not-skipped', 'no-ancestor-check'] as const) {
    const r = fc.check(fc.property(scenarioArb(false), (s) => check(s, 'merged', bug).length === 0), { numRuns: 400, seed: 4242 });
    t.true(r.failed, `${bug} not caught`);
    const s = r.counterexample![0];
    t.log(`${bug}: shrunk to ${s.steps.length} step(s): ${JSON.stringify(s.steps)}`);
    t.true(s.steps.length <= 6, `${bug}: ${JSON.stringify(s)}`);
  }
});
