/**
 * `npm run bench:litmus`: where a litmus sample's time goes.
 *
 * 1. The start hand-off: two workers that do nothing but the per-copy spin start
 *    (bench/litmus-handoff-worker.ts): the rendezvous's own cost per copy, and with the
 *    two performance.now() calls a timed copy adds.
 * 2. Per file of test/concurrent/ (under its first design), in ONE thread (no partner,
 *    no contention, no scheduler): ns per sample of the ops, the grading and the
 *    teardown. Their sum is the CPU ceiling of a sample on one core.
 * 3. The same file on real threads (litmus itself, --duration, --runs times; medians):
 *    samples/s, the share of timed samples whose ops overlapped, the start spread, and
 *    the per-phase cost per sample measured inside the actors (strides = spin starts +
 *    skew + ops; grading; teardown; the three barriers; the leader's audits), with the
 *    share of spin starts that had to sleep. Every line carries the load average.
 *   node --import tsx bench/litmus.ts [--stride 1024] [--rounds 60] [--duration 2s] [--runs 3] [--only NAME] [--json FILE]
 */
import { parseArgs } from 'node:util';
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCtx } from '../src/seccomp/world.ts';
import { ListReporter } from '../src/seccomp/violations.ts';
import { DEFAULT_LOCK_PLAN } from '../src/locks/kinds.ts';
import { readConcurrentFile } from '../src/scenario/concurrent-parse.ts';
import { runOp } from '../src/scenario/concurrent-ops.ts';
import { prepare } from '../src/litmus/copies.ts';
import { LH, LitmusCtl } from '../src/litmus/ctl.ts';
import { RESULT } from '../src/workers/control.ts';
import { Evaluator } from '../src/litmus/evaluate.ts';
import { resetRanges, usedRanges } from '../src/litmus/reset.ts';
import { litmusPool, runLitmus, type LitmusReport } from '../src/litmus/run.ts';
import { workerPool } from '../src/workers/pool.ts';
import { writeJsonAtomic } from '../src/shared/json-file.ts';
import { intFlag, parseDuration } from '../src/shared/flags.ts';
import { median } from '../src/shared/stats.ts';
import type { HandoffResult, HandoffTask } from './litmus-handoff-worker.ts';

const { values } = parseArgs({
  options: {
    stride: { type: 'string', default: '1024' },
    rounds: { type: 'string', default: '60' },
    duration: { type: 'string', default: '2s' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    json: { type: 'string' },
  },
});
const stride = intFlag('stride', values.stride, 1024, 1, 4096);
const rounds = intFlag('rounds', values.rounds, 60, 3, 1000);
const runs = intFlag('runs', values.runs, 3, 1, 50);
const durationMs = parseDuration('duration', values.duration!);
const dir = fileURLToPath(new URL('../test/concurrent/', import.meta.url));
const load = () => loadavg()[0]!.toFixed(1);
const f1 = (x: number) => x.toFixed(1);
const rows: Record<string, unknown>[] = [];

// ---- 1. the start hand-off alone ----
const handoffPool = workerPool(new URL('./litmus-handoff-worker.ts', import.meta.url), 2);
const handoff: Record<string, unknown> = {};
for (const clock of [false, true]) {
  const c = new Int32Array(new SharedArrayBuffer((LH.SIZE + 4096 * 16) * 4));
  const res = (await Promise.all([0, 1].map((actor) => handoffPool.run({ c, actor, actors: 2, stride: 4096, rounds: 40, clock } satisfies HandoffTask)))) as HandoffResult[];
  const ns = median(res[0]!.nsPerCopy.slice(10));
  const slept = (res[0]!.sleeps + res[1]!.sleeps) / (res[0]!.starts + res[1]!.starts);
  handoff[clock ? 'withClockNs' : 'spinStartNs'] = Math.round(ns);
  console.log(`start hand-off${clock ? ' + 2 performance.now()' : ''}: ${Math.round(ns)} ns per copy (median of 30 rounds of 4096), spin starts asleep ${(slept * 100).toFixed(2)}% [load ${load()}]`);
}
await handoffPool.destroy();
rows.push({ handoff, load: loadavg()[0] });

// ---- 2 and 3, per file ----
const pool = litmusPool(3);
const perSample = (r: LitmusReport, ms: number) => (r.samples > 0 ? (ms * 1e6) / r.samples : 0);
for (const f of readdirSync(dir).filter((x) => x.endsWith('.json') && (!values.only || x.includes(values.only))).sort()) {
  const s = readConcurrentFile(join(dir, f)).scenario;
  const design = s.designs?.[0] ?? 'merged';
  const n = s.actorNames.length;
  const maxOps = Math.max(...s.actorNames.map((a) => s.actors[a]!.length));
  const p = prepare(s, stride, { design, plan: DEFAULT_LOCK_PLAN }, n);
  const rep = new ListReporter(0);
  const ctxs = s.actorNames.map((_, a) => makeCtx(p.m, a, { design, plan: DEFAULT_LOCK_PLAN, reporter: rep }));
  const k = new LitmusCtl(n, maxOps, stride);
  const c = new Int32Array(k.words);
  const ev = new Evaluator(p.m, ctxs[0]!, s, p.plan, k, p);
  const T = p.names.length;
  const ops: number[] = [];
  const grade: number[] = [];
  const reset: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let copy = 0; copy < stride; copy++)
      s.actorNames.forEach((name, a) => {
        const t = p.handles[copy * T + p.names.indexOf(name)]!;
        s.actors[name]!.forEach((op, i) => {
          const res = runOp(ctxs[a]!, t, op, p.plan.actors[name]![i]!);
          const x = k.result(copy, a, i);
          c[x + RESULT.CODE] = res.code;
          c[x + RESULT.ARG] = res.arg;
          c[x + RESULT.CHILD] = res.child;
        });
      });
    const t1 = performance.now();
    for (let copy = 0; copy < stride; copy++) ev.sample(c, copy);
    const t2 = performance.now();
    resetRanges(p.m, p.snapshot, usedRanges(p, p.m, stride), 0, 1);
    const t3 = performance.now();
    if (r >= rounds / 3) {
      ops.push(((t1 - t0) * 1e6) / stride);
      grade.push(((t2 - t1) * 1e6) / stride);
      reset.push(((t3 - t2) * 1e6) / stride);
    }
  }
  const real: LitmusReport[] = [];
  const loads: number[] = [];
  for (let i = 0; i < runs; i++) {
    loads.push(loadavg()[0]!);
    real.push(await runLitmus(s, { design, bug: null, scope: 'siglock', plan: DEFAULT_LOCK_PLAN, seed: 1 + i, durationMs }, pool));
  }
  const med = (g: (r: LitmusReport) => number) => median(real.map(g));
  const row = {
    file: f,
    design,
    actors: n,
    oneThread: { opsNs: Math.round(median(ops)), gradeNs: Math.round(median(grade)), resetNs: Math.round(median(reset)), ceilingPerCore: Math.round(1e9 / (median(ops) + median(grade) + median(reset))) },
    runs: real.map((r, i) => ({
      load: loads[i],
      samplesPerSecond: r.samplesPerSecond,
      stride: r.stride,
      overlapPct: Math.round(r.overlap * 1000) / 10,
      startSpreadUs: Math.round(r.meanSkewUs * 100) / 100,
      meanOpUs: Math.round(r.meanOpUs * 100) / 100,
      startSleepPct: Math.round(r.startSleeps * 10000) / 100,
      nsPerSample: {
        strides: Math.round(perSample(r, r.phases.runMs)),
        grade: Math.round(perSample(r, r.phases.gradeMs)),
        reset: Math.round(perSample(r, r.phases.resetMs)),
        barriers: Math.round(perSample(r, r.phases.barrierMs)),
        audit: Math.round(perSample(r, r.phases.auditMs)),
      },
    })),
  };
  rows.push(row);
  const m = (g: (r: (typeof row.runs)[number]) => number) => median(row.runs.map(g));
  console.log(
    `${f.padEnd(28)} ${design.padEnd(13)} one thread: ops ${String(row.oneThread.opsNs).padStart(5)} + grade ${row.oneThread.gradeNs} + reset ${row.oneThread.resetNs} ns` +
      ` | real (median of ${runs}): ${Math.round(med((r) => r.samplesPerSecond)).toLocaleString('en-US').padStart(8)}/s, overlap ${f1(m((r) => r.overlapPct))}%, spread ${m((r) => r.startSpreadUs).toFixed(2)} us, op ${m((r) => r.meanOpUs).toFixed(2)} us, asleep ${m((r) => r.startSleepPct).toFixed(2)}%` +
      ` | ns/sample: strides ${m((r) => r.nsPerSample.strides)}, grade ${m((r) => r.nsPerSample.grade)}, reset ${m((r) => r.nsPerSample.reset)}, barriers ${m((r) => r.nsPerSample.barriers)}, audit ${m((r) => r.nsPerSample.audit)}` +
      ` [load ${loads.map(f1).join(', ')}]`,
  );
}
await pool.destroy();
if (values.json) writeJsonAtomic(values.json, rows);
