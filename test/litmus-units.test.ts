/**
 * litmus pieces on the main thread (no workers): the round teardown restores the
 * buffer exactly (with a negative control), the hashed-key grading agrees with the
 * full grading of every copy, and the stride picker keeps the fastest candidate.
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
import { LitmusCtl, RES } from '../src/litmus/ctl.ts';
import { Evaluator } from '../src/litmus/evaluate.ts';
import { resetRanges, usedRanges } from '../src/litmus/reset.ts';
import { StridePicker, strideCandidates } from '../src/litmus/stride.ts';
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
        c[x + RES.CODE] = r.code;
        c[x + RES.ARG] = r.arg;
        c[x + RES.CHILD] = r.child;
        c[x + RES.CHILD_TID] = r.child === 0 ? 0 : p.m[p.L.task(handleSlot(r.child)) + TASK.TID]!;
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
          if (op.op === 'clone' && c[x + RES.CODE] === 0) {
            handles[op.child!] = c[x + RES.CHILD]!;
            tidName.set(c[x + RES.CHILD_TID]!, op.child!);
          }
        }),
      );
      const actors: Record<string, StepResult[]> = {};
      s.actorNames.forEach((a, ai) => {
        actors[a] = s.actors[a]!.map((_, i) => decodeResult(c[k.result(copy, ai, i) + RES.CODE]!, c[k.result(copy, ai, i) + RES.ARG]!, (x) => tidName.get(x) ?? `tid${x}`));
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
