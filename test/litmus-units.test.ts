/**
 * litmus pieces on the main thread (no workers): the round teardown restores the
 * buffer exactly (with a negative control), the hashed-key grading agrees with the
 * full grading of every copy, the stride picker keeps the fastest candidate, the
 * timing summary (racing or not) from numbers fed in, the skew bound and the bounded
 * spin start.
 */
import test from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCtx } from '../src/seccomp/world.ts';
import { ListReporter } from '../src/seccomp/violations.ts';
import { DEFAULT_LOCK_PLAN } from '../src/locks/kinds.ts';
import { readConcurrentFile } from '../src/scenario/concurrent-parse.ts';
import { decodeResult, runOp, threadStates } from '../src/scenario/concurrent-ops.ts';
import { grade, renderOutcome } from '../src/scenario/concurrent-outcome.ts';
import type { StepResult } from '../src/scenario/types.ts';
import { prepare, type Prepared } from '../src/litmus/copies.ts';
import { LitmusCtl } from '../src/litmus/ctl.ts';
import { RESULT } from '../src/workers/control.ts';
import { Evaluator } from '../src/litmus/evaluate.ts';
import { resetRanges, usedRanges } from '../src/litmus/reset.ts';
import { StridePicker, strideCandidates } from '../src/litmus/stride.ts';
import { LH } from '../src/litmus/ctl.ts';
import { SpinBudget, spinStart } from '../src/litmus/spin.ts';
import { skewBoundsNs } from '../src/litmus/actor.ts';
import { RACING_MIN_OVERLAP_PCT, timingOf } from '../src/litmus/timing.ts';
import { formatLitmus, jsonOf } from '../src/litmus/format.ts';
import type { LitmusReport } from '../src/litmus/run.ts';
import { TASK, handleSlot } from '../src/shared/layout.ts';
import type { ConcurrentScenario } from '../src/scenario/concurrent-types.ts';

const DIR = fileURLToPath(new URL('concurrent/', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

/** Run every copy's actors one after the other, actor order alternating per copy (two different interleavings). */
function runRound(s: ConcurrentScenario, p: Prepared, design: string, stride: number, k: LitmusCtl, c: Int32Array): void {
  const ctxs = s.actorNames.map((_, a) => makeCtx(p.m, a, { design, plan: DEFAULT_LOCK_PLAN, reporter: new ListReporter(a) }));
  const T = p.names.length;
  for (let copy = 0; copy < stride; copy++) {
    const order = copy % 2 === 0 ? s.actorNames.map((_, a) => a) : s.actorNames.map((_, a) => a).reverse();
    for (const a of order) {
      const name = s.actorNames[a]!;
      const t = p.handles[copy * T + p.names.indexOf(name)]!;
      s.actors[name]!.forEach((op, i) => {
        const r = runOp(ctxs[a]!, t, op, p.plan.actors[name]![i]!);
        const x = k.result(copy, a, i);
        c[x + RESULT.CODE] = r.code;
        c[x + RESULT.ARG] = r.arg;
        c[x + RESULT.CHILD] = r.child;
        c[x + RESULT.CHILD_TID] = r.child === 0 ? 0 : p.m[p.L.task(handleSlot(r.child)) + TASK.TID]!;
      });
    }
  }
}

function firstDiff(a: Int32Array, b: Int32Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

for (const f of FILES)
  test(`${f}: a round's teardown restores the post-setup buffer word for word; resetting one copy too few does not`, (t) => {
    const s = readConcurrentFile(join(DIR, f)).scenario;
    const design = s.designs?.[0] ?? 'merged';
    const n = s.actorNames.length;
    const k = new LitmusCtl(n, Math.max(...s.actorNames.map((a) => s.actors[a]!.length)), 32);
    const c = new Int32Array(k.words);
    const p = prepare(s, 32, { design, plan: DEFAULT_LOCK_PLAN }, n);
    for (const stride of [32, 7]) {
      runRound(s, p, design, stride, k, c);
      t.not(firstDiff(p.m, p.snapshot), -1, 'the round changed nothing');
      const ranges = usedRanges(p, p.m, stride);
      // two parts, as two actors share it
      resetRanges(p.m, p.snapshot, ranges, 0, 2);
      resetRanges(p.m, p.snapshot, ranges, 1, 2);
      t.is(firstDiff(p.m, p.snapshot), -1, `stride ${stride}: word ${firstDiff(p.m, p.snapshot)} not restored`);
    }
    // negative control: the ranges of a smaller stride miss the last copy's words
    runRound(s, p, design, 8, k, c);
    resetRanges(p.m, p.snapshot, usedRanges(p, p.m, 7), 0, 1);
    t.not(firstDiff(p.m, p.snapshot), -1);
  });

for (const f of ['two_tsync_callers.json', 'tsync_vs_sibling_attach.json', 'sync_vs_sibling_attach.json', 'clone_vs_exit.json'])
  test(`${f}: the hashed-key grading gives every copy the outcome line and grade of the full result`, (t) => {
    const s = readConcurrentFile(join(DIR, f)).scenario;
    const design = s.designs?.[0] ?? 'merged';
    const n = s.actorNames.length;
    const stride = 16;
    const k = new LitmusCtl(n, Math.max(...s.actorNames.map((a) => s.actors[a]!.length)), stride);
    const c = new Int32Array(k.words);
    const p = prepare(s, stride, { design, plan: DEFAULT_LOCK_PLAN }, n);
    runRound(s, p, design, stride, k, c);
    const ctx = makeCtx(p.m, 0, { design, plan: DEFAULT_LOCK_PLAN, reporter: new ListReporter(0) });
    const ev = new Evaluator(p.m, ctx, s, p.plan, k, p);
    const T = p.names.length;
    const lines = new Set<string>();
    for (let copy = 0; copy < stride; copy++) {
      const e = ev.sample(c, copy);
      // the full result, built independently
      const handles: Record<string, number> = {};
      const tidName = new Map<number, string>();
      p.names.forEach((nm, i) => {
        if (p.handles[copy * T + i]) handles[nm] = p.handles[copy * T + i]!;
        if (p.tids[copy * T + i]) tidName.set(p.tids[copy * T + i]!, nm);
      });
      s.actorNames.forEach((a, ai) =>
        s.actors[a]!.forEach((op, i) => {
          const x = k.result(copy, ai, i);
          if (op.op === 'clone' && c[x + RESULT.CODE] === 0) {
            handles[op.child!] = c[x + RESULT.CHILD]!;
            tidName.set(c[x + RESULT.CHILD_TID]!, op.child!);
          }
        }),
      );
      const actors: Record<string, StepResult[]> = {};
      s.actorNames.forEach((a, ai) => {
        actors[a] = s.actors[a]!.map((_, i) => decodeResult(c[k.result(copy, ai, i) + RESULT.CODE]!, c[k.result(copy, ai, i) + RESULT.ARG]!, (x) => tidName.get(x) ?? `tid${x}`));
      });
      const r = { setup: p.setupResults, actors, threads: threadStates(ctx, p.names, handles, p.plan.labels) };
      t.is(e.outcome, renderOutcome(s, r), `copy ${copy}`);
      t.is(e.expect, grade(s, r).expect, `copy ${copy}`);
      lines.add(e.outcome);
    }
    t.is([...ev.table.values()].reduce((x, e) => x + e.count, 0), stride);
    t.is(ev.table.size, lines.size);
  });

test('two interleavings in one round give two distinct outcomes (the key tells them apart)', (t) => {
  const s = readConcurrentFile(join(DIR, 'two_tsync_callers.json')).scenario;
  const k = new LitmusCtl(2, 1, 4);
  const c = new Int32Array(k.words);
  const p = prepare(s, 4, { design: 'merged', plan: DEFAULT_LOCK_PLAN }, 2);
  runRound(s, p, 'merged', 4, k, c);
  const ev = new Evaluator(p.m, makeCtx(p.m, 0, { design: 'merged', plan: DEFAULT_LOCK_PLAN, reporter: new ListReporter(0) }), s, p.plan, k, p);
  for (let copy = 0; copy < 4; copy++) ev.sample(c, copy);
  t.deepEqual([...ev.table.values()].map((e) => e.count), [2, 2]);
});

test('stride picker: warm-up, one slice per candidate, keeps the fastest', (t) => {
  t.deepEqual(strideCandidates(4096), [64, 256, 1024, 4096]);
  t.deepEqual(strideCandidates(1000), [64, 256, 1000]);
  const p = new StridePicker([64, 256, 1024], 40);
  const rate: Record<number, number> = { 64: 1, 256: 3, 1024: 2 }; // samples per ms
  let now = 0;
  for (let i = 0; i < 1000 && !p.chosen; i++) {
    const s = p.next(now);
    const ms = s / rate[s]!;
    now += ms;
    p.record(s, ms);
  }
  t.is(p.chosen, 256);
  t.deepEqual(p.figures.map((f) => f.stride), [64, 256, 1024]);
  t.is(Math.round(p.figures[1]!.samplesPerSecond), 3000);
});

// ---- timing: did the actors race? (numbers fed in; nothing here depends on the machine) ----

function fakeReport(over: Partial<LitmusReport>): LitmusReport {
  return {
    samples: 1000,
    samplesPerSecond: 200_000,
    stride: 1024,
    durationMs: 5,
    seed: 1,
    outcomes: [{ outcome: 'main=ok a=ok', count: 1000, expect: 'acceptable', desc: 'fine' }],
    violations: [],
    figures: [],
    copies: 1024,
    measured: 125,
    overlap: 0.8,
    inWindow: 0.3,
    contended: 0.2,
    meanSkewUs: 1.5,
    meanOpUs: 3,
    skewBoundNs: [1500, 1500],
    starts: 2000,
    startSleeps: 0,
    looksPerStart: 50,
    phases: { runMs: 4, gradeMs: 0.3, resetMs: 0.2, barrierMs: 0.1, auditMs: 0 },
    prepareMs: 10,
    resetWordsPerCopy: 300,
    interrupted: false,
    ...over,
  };
}

test('timing: racing from 50% overlap up; below it (and with no timed sample) a note says the frequencies record scheduling order', (t) => {
  t.is(RACING_MIN_OVERLAP_PCT, 50);
  t.deepEqual(timingOf(24_366, 0.858, 3.861), { measured: 24_366, overlapPct: 85.8, startSpreadUs: 3.86, racing: true, note: null });
  t.like(timingOf(100, 0.5, 2), { overlapPct: 50, racing: true, note: null });
  const low = timingOf(100, 0.499, 2);
  t.false(low.racing);
  // the idle-machine figure of the old build: 0.4% overlap, 17.63 us spread
  const old = timingOf(21_120, 0.004, 17.634);
  t.like(old, { overlapPct: 0.4, startSpreadUs: 17.63, racing: false });
  t.regex(old.note!, /overlapped in only 0\.4% of 21120 timed samples/);
  t.regex(old.note!, /record scheduling order, not races/);
  const none = timingOf(0, 0, 0);
  t.like(none, { measured: 0, overlapPct: 0, startSpreadUs: 0, racing: false });
  t.regex(none.note!, /no sample was timed/);
});

test('timing in the report: the JSON gains timing (keys added after the old ones); the console says NOT RACING only below the threshold', (t) => {
  const racing = fakeReport({ overlap: 0.8 });
  const j = jsonOf(racing);
  t.deepEqual(Object.keys(j), ['samples', 'samplesPerSecond', 'stride', 'durationMs', 'seed', 'outcomes', 'violations', 'timing']);
  t.deepEqual(j.timing, { measured: 125, overlapPct: 80, startSpreadUs: 1.5, racing: true, note: null });
  const text = formatLitmus('x', 'x.json', 'merged', racing);
  t.regex(text, /ops overlapped in 80\.0%/);
  t.notRegex(text, /NOT RACING/);
  const loaded = fakeReport({ overlap: 0.004, meanSkewUs: 17.63 });
  t.is(jsonOf(loaded).timing.racing, false);
  t.regex(jsonOf(loaded).timing.note!, /scheduling order, not races/);
  t.regex(formatLitmus('x', 'x.json', 'merged', loaded), /NOT RACING \(overlap under 50%\): .*scheduling order, not races/);
  t.regex(formatLitmus('x', 'x.json', 'merged', fakeReport({ measured: 0, overlap: 0 })), /NOT RACING .*no sample was timed/);
});

test("skew bounds: each actor's is half the other's median timed op; too few timed samples keep the previous bounds; one preempted op does not stretch them", (t) => {
  // actor 0: a 3 us op (one preempted for 4 ms); actor 1: a 0.4 us op; stride 16, 9 timed copies
  const ms = new Float64Array(32);
  ms.set([0.002, 0.004, 0.003, 0.002, 0.004, 0.003, 0.003, 0.003, 4], 0);
  ms.set([0.0004, 0.0004, 0.0003, 0.0005, 0.0004, 0.0004, 0.0004, 0.0004, 0.0004], 16);
  const out = [777, 777];
  skewBoundsNs(ms, 16, 9, 2, out);
  t.deepEqual(out, [200, 1500], 'the long op is delayed by at most half the short one, so it starts while the short one runs');
  const keep = [777, 777];
  skewBoundsNs(new Float64Array(32), 16, 2, 2, keep);
  t.deepEqual(keep, [777, 777]);
  skewBoundsNs(new Float64Array(32), 16, 8, 2, keep);
  t.deepEqual(keep, [777, 777], 'no duration: keep the previous bounds');
});

test('spin budget: starts at its ceiling, halves per sleep down to its floor (never lower), grows back on spins that succeed; a round after a calm one starts at the ceiling, after a sleepy one only to probe', (t) => {
  const b = new SpinBudget();
  t.is(b.limitUs, SpinBudget.MAX_US);
  t.true(SpinBudget.MAX_US >= 200, 'the ceiling stays far above a wake (~50 us): one sleep must not start a cascade of sleeps');
  b.slept();
  t.true(b.limitUs >= 100);
  for (let i = 0; i < 20; i++) b.slept();
  t.is(b.limitUs, SpinBudget.MIN_US);
  t.is(b.sleeps, 21);
  for (let i = 0; i < 100; i++) b.success();
  t.is(b.limitUs, SpinBudget.MAX_US);
  // sleepy rounds (every start slept): the next round keeps the low budget, except to probe
  b.round(0); // 21 sleeps, no start: not calm, and never probed before: a probe
  t.is(b.limitUs, SpinBudget.MAX_US);
  for (let i = 0; i < 20; i++) {
    b.starts++;
    b.slept();
  }
  b.round(10);
  t.is(b.limitUs, SpinBudget.MIN_US, 'sleepy, probed 10 ms ago: stays low');
  for (let i = 0; i < 20; i++) {
    b.starts++;
    b.slept();
  }
  b.round(SpinBudget.PROBE_EVERY_MS);
  t.is(b.limitUs, SpinBudget.MAX_US, 'a probe every PROBE_EVERY_MS');
  // a calm round (1 sleep in 2000 starts): the next starts at the ceiling
  for (let i = 0; i < 20; i++) b.slept();
  b.starts += 200;
  b.round(SpinBudget.PROBE_EVERY_MS + 1);
  t.is(b.limitUs, SpinBudget.MIN_US, '20 sleeps in 200 starts is not calm');
  b.starts += 2000;
  b.sleeps += 1;
  b.round(SpinBudget.PROBE_EVERY_MS + 2);
  t.is(b.limitUs, SpinBudget.MAX_US);
});

test('spin start is bounded: a partner that never comes and an aborted stride end the wait (false) after one spin budget and a sleep', (t) => {
  const k = new LitmusCtl(2, 1, 4);
  const c = new Int32Array(new SharedArrayBuffer(k.words * 4));
  Atomics.store(c, LH.ABORT, 1);
  const b = new SpinBudget();
  t.false(spinStart(c, k.start(0), 2, 0, 0, b));
  t.is(b.sleeps, 1);
  // negative control: a partner already there, no wait at all
  Atomics.store(c, k.start(1), 1);
  t.true(spinStart(c, k.start(1), 2, 0, 1, b));
  t.is(b.sleeps, 1);
});
