/**
 * `npm run bench:litmus`: where a litmus sample's time goes, measured in ONE thread
 * (no partner, no contention, no scheduler): per phase, ns per sample, for every file
 * of test/concurrent/ (under its first design). The sum of the phases is the CPU
 * ceiling of a sample; two actors on two dedicated cores split the ops and the
 * grading, and add the spin start (a cache-line hand-over, ~0.2-0.5 us) per copy.
 * Then the real-thread rate of each file (litmus itself, --duration per file).
 *   node --import tsx bench/litmus.ts [--stride 1024] [--rounds 60] [--duration 2s] [--json FILE]
 */
import { parseArgs } from 'node:util';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCtx } from '../src/seccomp/world.ts';
import { ListReporter } from '../src/seccomp/violations.ts';
import { DEFAULT_LOCK_PLAN } from '../src/locks/kinds.ts';
import { readConcurrentFile } from '../src/scenario/concurrent-parse.ts';
import { runOp } from '../src/scenario/concurrent-ops.ts';
import { prepare } from '../src/litmus/copies.ts';
import { LitmusCtl, RES } from '../src/litmus/ctl.ts';
import { Evaluator } from '../src/litmus/evaluate.ts';
import { resetRanges, usedRanges } from '../src/litmus/reset.ts';
import { runLitmus } from '../src/litmus/run.ts';
import { writeJsonAtomic } from '../src/shared/json-file.ts';
import { intFlag, parseDuration } from '../src/shared/flags.ts';
import { median } from '../src/shared/stats.ts';

const { values } = parseArgs({ options: { stride: { type: 'string', default: '1024' }, rounds: { type: 'string', default: '60' }, duration: { type: 'string', default: '2s' }, json: { type: 'string' } } });
const stride = intFlag('stride', values.stride, 1024, 1, 4096);
const rounds = intFlag('rounds', values.rounds, 60, 3, 1000);
const durationMs = parseDuration('duration', values.duration!);
const dir = fileURLToPath(new URL('../test/concurrent/', import.meta.url));
const rows: Record<string, unknown>[] = [];

for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
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
          c[x + RES.CODE] = res.code;
          c[x + RES.ARG] = res.arg;
          c[x + RES.CHILD] = res.child;
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
  const real = await runLitmus(s, { design, bug: null, scope: 'siglock', plan: DEFAULT_LOCK_PLAN, seed: 1, durationMs });
  const row = {
    file: f,
    design,
    opsNs: Math.round(median(ops)),
    gradeNs: Math.round(median(grade)),
    resetNs: Math.round(median(reset)),
    ceilingPerCore: Math.round(1e9 / (median(ops) + median(grade) + median(reset))),
    samplesPerSecond: real.samplesPerSecond,
    stride: real.stride,
    overlap: real.overlap,
  };
  rows.push(row);
  console.log(
    `${f.padEnd(30)} ${design.padEnd(13)} ops ${String(row.opsNs).padStart(5)} ns  grade ${String(row.gradeNs).padStart(4)} ns  reset ${String(row.resetNs).padStart(4)} ns` +
      `  => ${row.ceilingPerCore.toLocaleString('en-US').padStart(9)}/s per core (one thread) | real threads: ${real.samplesPerSecond.toLocaleString('en-US').padStart(9)}/s, stride ${real.stride}, overlap ${(real.overlap * 100).toFixed(1)}%`,
  );
}
if (values.json) writeJsonAtomic(values.json, rows);
