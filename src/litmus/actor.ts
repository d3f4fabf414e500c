/**
 * One litmus actor's loop, inside its long-lived worker. Rounds, jcstress-style:
 *
 *   leader (actor 0) publishes the round's stride in LH.CMD (0 = stop)    barrier B0
 *   every actor runs its ops on copies 0..stride-1 in order; per copy a spin start
 *   (all actors arrive, then go), a seeded skew for one actor, the ops         barrier B1
 *   each actor grades its share of the copies; the leader audits now and then  barrier B2
 *   each actor resets its share of the used words from the snapshot          (then B0)
 *
 * Every actor draws the same per-copy skew from the run's seed (one draw per copy), so
 * the seed decides who starts late by how much; real timing decides the rest.
 */
import { TASK, handleSlot, type Layout } from '../shared/layout.ts';
import type { Ctx } from '../seccomp/context.ts';
import { DeadlockError } from '../locks/lock.ts';
import { audit } from '../seccomp/audit.ts';
import { Rng } from '../shared/rng.ts';
import { runOp, type LabelPlan } from '../scenario/concurrent-ops.ts';
import type { ConcurrentScenario } from '../scenario/concurrent-types.ts';
import type { StepResult } from '../scenario/types.ts';
import { LH, LitmusCtl, MEASURE_EVERY, RES, STAT, TIME } from './ctl.ts';
import { Evaluator, overlapOf, type Overlap, type OutcomeEntry } from './evaluate.ts';
import { usedRanges, resetRanges, resetWords } from './reset.ts';
import { StridePicker, type StrideFigure } from './stride.ts';
import { SpinBudget, barrier, skewSpin, spinStart } from './spin.ts';
import type { WindowClock } from './timed-lock.ts';
import type { FirstViolations, LitmusViolation } from './violations.ts';

export interface ActorSpec {
  m: Int32Array;
  snapshot: Int32Array;
  c: Int32Array;
  times: Float64Array;
  stats: Float64Array;
  actor: number;
  scenario: ConcurrentScenario;
  plan: LabelPlan;
  names: string[];
  handles: Int32Array;
  tids: Int32Array;
  setupResults: StepResult[];
  taskEnd: Int32Array;
  nodeEnd: Int32Array;
  freeLists: boolean;
  copies: number;
  maxOps: number;
  seed: number;
  durationMs: number;
  candidates: number[];
  calibrationMs: number;
  /** the skew drawn per copy is 0..maxSkew spin iterations (~1 ns each) */
  maxSkew: number;
}

export interface ActorResult {
  entries: OutcomeEntry[];
  violations: LitmusViolation[];
  /** leader only: calibration figures, the stride in use at the end, the run's length */
  figures: StrideFigure[];
  stride: number;
  elapsedMs: number;
  rounds: number;
  /** words reset in the last round */
  resetWords: number;
}

/** The leader audits the whole buffer at most this often (it scans every slot). */
const AUDIT_EVERY_MS = 100;

export function runActor(spec: ActorSpec, ctx: Ctx, L: Layout, clock: WindowClock, rep: FirstViolations): ActorResult {
  const { m, c, times, stats, actor, scenario: s } = spec;
  const n = s.actorNames.length;
  const k = new LitmusCtl(n, spec.maxOps, spec.copies);
  const name = s.actorNames[actor]!;
  const ops = s.actors[name]!;
  const labels = spec.plan.actors[name]!;
  const opNames = ops.map((op, i) => `${name} op ${i} ${op.op}`);
  const T = spec.names.length;
  const self = spec.names.indexOf(name);
  const ev = new Evaluator(m, ctx, s, spec.plan, k, spec);
  const rng = new Rng(spec.seed);
  const budget = new SpinBudget();
  const leader = actor === 0;
  const picker = new StridePicker(spec.candidates, spec.calibrationMs);
  const st = k.stat(actor);
  const ov: Overlap = { overlap: false, inWindow: false, contended: false, skew: 0 };
  const reset = { L, snapshot: spec.snapshot, taskEnd: spec.taskEnd, nodeEnd: spec.nodeEnd, freeLists: spec.freeLists };
  let samples = 0;
  let forbidden = 0;
  let overlap = 0;
  let inWindow = 0;
  let contended = 0;
  let skewSum = 0;
  let rounds = 0;
  let measuredN = 0;
  let lastWords = 0;
  barrier(c, n, actor, 'start');
  const t0 = performance.now();
  let roundAt = 0;
  let stride = 0;
  let lastAudit = t0;
  let elapsed = 0;
  for (;;) {
    if (leader) {
      const now = performance.now();
      if (roundAt !== 0) picker.record(stride, now - roundAt);
      roundAt = now;
      elapsed = now - t0;
      const stop = Atomics.load(c, LH.STOP_REQ) !== 0 || Atomics.load(c, LH.ABORT) !== 0 || elapsed >= spec.durationMs;
      Atomics.store(c, LH.CMD, stop ? 0 : picker.next(elapsed));
    }
    barrier(c, n, actor, 'B0 (round start)');
    stride = Atomics.load(c, LH.CMD);
    if (stride === 0) break;
    // ---- run: this actor's ops on every copy of the stride ----
    for (let copy = 0; copy < stride; copy++) {
      const r = rng.u32();
      const measured = (r >>> 24) % MEASURE_EVERY === 0;
      const at = k.time(copy, actor);
      times[at + TIME.OP_START] = 0;
      if (measured) {
        times[at + TIME.SIG_WANT] = 0;
        times[at + TIME.SIG_ACQ] = 0;
        times[at + TIME.SIG_REL] = 0;
      }
      if (!spinStart(c, k.start(copy), n, actor, copy, budget)) break;
      if (r % n === actor) skewSpin((r >>> 8) % (spec.maxSkew + 1));
      const t = spec.handles[copy * T + self]!;
      if (measured) {
        clock.at = at;
        times[at + TIME.OP_START] = performance.now();
      }
      let threw = false;
      try {
        for (let i = 0; i < ops.length; i++) {
          ctx.op = opNames[i]!;
          const res = runOp(ctx, t, ops[i]!, labels[i]!);
          const x = k.result(copy, actor, i);
          c[x + RES.CODE] = res.code;
          c[x + RES.ARG] = res.arg;
          c[x + RES.CHILD] = res.child;
          c[x + RES.CHILD_TID] = res.child === 0 ? 0 : m[L.task(handleSlot(res.child)) + TASK.TID]!;
        }
      } catch (e) {
        threw = true;
        rep.report({ kind: e instanceof DeadlockError ? 'deadlock' : 'crash', message: e instanceof Error ? e.message : String(e), tasks: [], nodes: [], op: `${ctx.op} (copy ${copy})` });
        Atomics.store(c, LH.ABORT, 1);
      }
      if (measured) {
        times[at + TIME.OP_END] = performance.now();
        clock.at = -1;
      }
      ctx.seam.takeLeaked(); // an op that threw may have left locks on the stack
      if (threw) break;
    }
    barrier(c, n, actor, 'B1 (stride done)');
    const aborted = Atomics.load(c, LH.ABORT) !== 0;
    if (!aborted) {
      // ---- grade this actor's share of the copies ----
      const lo = Math.floor((stride * actor) / n);
      const hi = Math.floor((stride * (actor + 1)) / n);
      for (let copy = lo; copy < hi; copy++) {
        if (ev.sample(c, copy).expect === 'forbidden') forbidden++;
        if (times[k.time(copy, 0) + TIME.OP_START] !== 0) {
          measuredN++;
          overlapOf(times, k, copy, ov);
          if (ov.overlap) overlap++;
          if (ov.inWindow) inWindow++;
          if (ov.contended) contended++;
          skewSum += ov.skew;
        }
        c[k.start(copy)] = 0;
      }
      samples += hi - lo;
      rep.samples = samples;
      rounds++;
      if (leader && performance.now() - lastAudit >= AUDIT_EVERY_MS) {
        lastAudit = performance.now();
        for (const v of audit(m, L).violations) rep.report({ ...v, op: 'audit after a round' });
      }
      stats[st + STAT.SAMPLES] = samples;
      stats[st + STAT.FORBIDDEN] = forbidden;
      stats[st + STAT.VIOLATIONS] = rep.total;
      stats[st + STAT.OVERLAP] = overlap;
      stats[st + STAT.IN_WINDOW] = inWindow;
      stats[st + STAT.CONTENDED] = contended;
      stats[st + STAT.SKEW_SUM] = skewSum;
      stats[st + STAT.ROUNDS] = rounds;
      stats[st + STAT.MEASURED] = measuredN;
    }
    // every actor reads the bumps before anyone resets them
    const ranges = aborted ? [] : usedRanges(reset, m, stride);
    barrier(c, n, actor, 'B2 (graded)');
    if (aborted) break;
    // ---- tear down: this actor's share of the used words back to post-setup ----
    lastWords = resetWords(ranges);
    resetRanges(m, spec.snapshot, ranges, actor, n);
  }
  if (leader) {
    // the final audit, quiescent: every actor is past B0 with stop (or aborted)
    for (const v of audit(m, L).violations) rep.report({ ...v, op: 'final audit' });
    elapsed = performance.now() - t0;
  }
  return { entries: [...ev.table.values()], violations: rep.list(), figures: picker.figures, stride: picker.current(), elapsedMs: elapsed, rounds, resetWords: lastWords };
}
