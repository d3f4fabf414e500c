/**
 * One litmus actor's loop, inside its long-lived worker. Rounds, jcstress-style:
 *
 *   leader (actor 0) publishes the round's stride in LH.CMD (0 = stop)
 *   and the bounds of its skews in LH.SKEW_NS + actor                         barrier B0
 *   every actor runs its ops on copies 0..stride-1 in order; per copy a spin start
 *   (all actors arrive, then go), a seeded skew for one actor, the ops         barrier B1
 *   each actor grades its share of the copies; the leader audits now and then  barrier B2
 *   each actor resets its share of the used words from the snapshot          (then B0)
 *
 * Every actor draws the same per-copy skew from the run's seed (one draw per copy), so
 * the seed decides who starts late by how much; real timing decides the rest. The
 * bound of an actor's skew is half the median op duration of the OTHER actors, timed in
 * the last round (skewBoundsNs): the late actor starts while the others' ops still run,
 * so the ops overlap in time, and their critical sections meet at many relative
 * offsets. A bound longer than the others' ops would make the ops run one after the
 * other, and the frequencies would then count the seeded skew, not races; each
 * nanosecond of bound also costs about half a nanosecond per copy.
 */
import { TASK, handleSlot, type Layout } from '../shared/layout.ts';
import type { Ctx } from '../seccomp/context.ts';
import { DeadlockError } from '../locks/lock.ts';
import { audit } from '../seccomp/audit.ts';
import { Rng } from '../shared/rng.ts';
import { runOp, type LabelPlan } from '../scenario/concurrent-ops.ts';
import type { ConcurrentScenario } from '../scenario/concurrent-types.ts';
import type { StepResult } from '../scenario/types.ts';
import { LH, LitmusCtl, MEASURE_EVERY, STAT, TIME } from './ctl.ts';
import { writeResult } from '../workers/control.ts';
import { Evaluator, overlapOf, type Overlap, type OutcomeEntry } from './evaluate.ts';
import { usedRanges, resetRanges, resetWords } from './reset.ts';
import { StridePicker, type StrideFigure } from './stride.ts';
import { SpinBudget, barrier, skewIterationsPerUs, skewSpin, spinStart } from './spin.ts';
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
  /** a fixed bound of the skew drawn per copy, ns; null: from the op durations measured (skewBoundsNs) */
  skewNs: number | null;
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

/** The leader audits the whole buffer at most this often (it scans every slot)... */
const AUDIT_EVERY_MS = 100;
/** ...and only while its audits took less than this share of the run (the partner waits for them at B2). */
const AUDIT_SHARE = 0.02;
/** An actor's skew bound is this fraction of the other actors' median op duration. */
const SKEW_OF_OP = 0.5;
/** The skew bound before any op was timed, ns. */
const FIRST_SKEW_NS = 1000;

/** Fewer timed samples than this in the leader's share of a round leave the skew bound as it was. */
const MIN_TIMED = 8;

/**
 * The skew bounds of the next round (ns), one per actor, into `out`: SKEW_OF_OP of the
 * mean over the other actors of their median op duration in the leader's timed samples
 * of the last round. `ms` holds actor a's durations (ms) at [a * stride, a * stride + count)
 * (reordered). A median, not a mean: one op preempted for a whole time slice must not
 * stretch the skew of every copy of the next round. Too few samples (or none timed)
 * leave `out` as it was.
 */
export function skewBoundsNs(ms: Float64Array, stride: number, count: number, n: number, out: number[]): void {
  if (count < MIN_TIMED || n < 2) return;
  const med: number[] = [];
  for (let a = 0; a < n; a++) {
    const xs = ms.subarray(a * stride, a * stride + count).sort();
    const mid = count >> 1;
    med.push(count % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2);
  }
  for (let a = 0; a < n; a++) {
    let others = 0;
    for (let b = 0; b < n; b++) if (b !== a) others += med[b]!;
    const ns = (others / (n - 1)) * 1e6 * SKEW_OF_OP;
    if (ns > 0) out[a] = Math.max(1, Math.min(1_000_000, Math.round(ns)));
  }
}

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
  const skewPerNs = skewIterationsPerUs() / 1000;
  const leader = actor === 0;
  const picker = new StridePicker(spec.candidates, spec.calibrationMs);
  const st = k.stat(actor);
  const ov: Overlap = { overlap: false, inWindow: false, contended: false, skew: 0, opMean: 0 };
  const reset = { L, snapshot: spec.snapshot, taskEnd: spec.taskEnd, nodeEnd: spec.nodeEnd, freeLists: spec.freeLists };
  let samples = 0;
  let forbidden = 0;
  let overlap = 0;
  let inWindow = 0;
  let contended = 0;
  let skewSum = 0;
  let rounds = 0;
  let measuredN = 0;
  let opSum = 0;
  // the leader's timed op durations of the round (ms, actor-major), for the next round's skew bounds
  const opMs = new Float64Array(leader ? spec.copies * n : 0);
  let opCount = 0;
  const skewBounds = new Array<number>(n).fill(spec.skewNs ?? FIRST_SKEW_NS);
  let lastWords = 0;
  let runMs = 0;
  let gradeMs = 0;
  let resetMs = 0;
  let barrierMs = 0;
  let auditMs = 0;
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
      // a stop request (SIGINT, the deadline) is honoured once a round was counted, so
      // that an interrupt, even during the stride calibration, reports a histogram
      const stop = Atomics.load(c, LH.ABORT) !== 0 || (rounds > 0 && (Atomics.load(c, LH.STOP_REQ) !== 0 || elapsed >= spec.durationMs));
      if (spec.skewNs === null) skewBoundsNs(opMs, spec.copies, opCount, n, skewBounds);
      opCount = 0;
      for (let a = 0; a < n; a++) Atomics.store(c, LH.SKEW_NS + a, skewBounds[a]!);
      Atomics.store(c, LH.CMD, stop ? 0 : picker.next(elapsed));
    }
    let tb = performance.now();
    barrier(c, n, actor, 'B0 (round start)', budget.limitUs);
    const tr = performance.now();
    barrierMs += tr - tb;
    stride = Atomics.load(c, LH.CMD);
    if (stride === 0) break;
    const skewMod = Atomics.load(c, LH.SKEW_NS + actor) + 1;
    budget.round(tr);
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
      if (n > 1 && r % n === actor) skewSpin(Math.round(((r >>> 8) % skewMod) * skewPerNs));
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
          writeResult(c, x, res, res.child === 0 ? 0 : m[L.task(handleSlot(res.child)) + TASK.TID]!);
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
      // an op that threw (or a seeded bug) may have left locks on the stack; takeLeaked
      // clears a count per lock id of the whole layout (~20k for 4096 copies: ~0.5 us), so
      // only when something is left (the counts mirror the stack: an empty stack, all zero)
      if (ctx.seam.held.length !== 0) ctx.seam.takeLeaked();
      if (threw) break;
    }
    tb = performance.now();
    runMs += tb - tr;
    barrier(c, n, actor, 'B1 (stride done)', budget.limitUs);
    const tg = performance.now();
    barrierMs += tg - tb;
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
          opSum += ov.opMean;
          if (leader) {
            for (let a = 0; a < n; a++) opMs[a * spec.copies + opCount] = times[k.time(copy, a) + TIME.OP_END]! - times[k.time(copy, a) + TIME.OP_START]!;
            opCount++;
          }
        }
        c[k.start(copy)] = 0;
      }
      samples += hi - lo;
      rep.samples = samples;
      rounds++;
      const ta = performance.now();
      gradeMs += ta - tg;
      if (leader && ta - lastAudit >= AUDIT_EVERY_MS && auditMs <= AUDIT_SHARE * (ta - t0)) {
        lastAudit = ta;
        for (const v of audit(m, L).violations) rep.report({ ...v, op: 'audit after a round' });
        auditMs += performance.now() - ta;
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
      stats[st + STAT.OP_SUM] = opSum;
      stats[st + STAT.STARTS] = budget.starts;
      stats[st + STAT.SLEEPS] = budget.sleeps;
      stats[st + STAT.LOOKS] = budget.looks;
    }
    // every actor reads the bumps before anyone resets them
    const ranges = aborted ? [] : usedRanges(reset, m, stride);
    tb = performance.now();
    barrier(c, n, actor, 'B2 (graded)', budget.limitUs);
    const tz = performance.now();
    barrierMs += tz - tb;
    if (aborted) break;
    // ---- tear down: this actor's share of the used words back to post-setup ----
    lastWords = resetWords(ranges);
    resetRanges(m, spec.snapshot, ranges, actor, n);
    resetMs += performance.now() - tz;
    stats[st + STAT.RUN_MS] = runMs;
    stats[st + STAT.GRADE_MS] = gradeMs;
    stats[st + STAT.RESET_MS] = resetMs;
    stats[st + STAT.BARRIER_MS] = barrierMs;
    stats[st + STAT.AUDIT_MS] = auditMs;
  }
  if (leader) {
    // the final audit, quiescent: every actor is past B0 with stop (or aborted)
    for (const v of audit(m, L).violations) rep.report({ ...v, op: 'final audit' });
    elapsed = performance.now() - t0;
  }
  return { entries: [...ev.table.values()], violations: rep.list(), figures: picker.figures, stride: picker.current(), elapsedMs: elapsed, rounds, resetWords: lastWords };
}
