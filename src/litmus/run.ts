/**
 * litmus on the main thread: prepare the copies, start one long-lived worker per actor,
 * print progress about every second while they run their rounds, stop them on SIGINT
 * (LH.STOP_REQ: the leader ends the run at the next round), then merge what the actors
 * counted into one report.
 */
import type { BugName } from '../seccomp/bug.ts';
import type { Scope } from '../seccomp/context.ts';
import type { LockPlan } from '../locks/kinds.ts';
import type { WorkerPool } from '../workers/pool.ts';
import { workerPool } from '../workers/pool.ts';
import { preloadUserLocks } from '../locks/user.ts';
import type { LitmusTask } from './worker.ts';
import type { ConcurrentScenario, Grade } from '../scenario/concurrent-types.ts';
import { LH, LitmusCtl, STAT } from './ctl.ts';
import { maxCopies, prepare } from './copies.ts';
import { strideCandidates, type StrideFigure } from './stride.ts';
import type { ActorResult } from './actor.ts';
import type { OutcomeEntry } from './evaluate.ts';
import { mergeViolations, type LitmusViolation } from './violations.ts';

export interface LitmusOptions {
  design: string;
  bug: BugName | null;
  scope: Scope;
  plan: LockPlan;
  seed: number;
  durationMs: number;
  /** largest stride tried (default: what the layout allows, at most 4096) */
  maxStride?: number;
  /** a fixed bound of the per-copy start skew, ns (default: the mean op duration measured so far) */
  skewNs?: number;
  progress?: (p: LitmusProgress) => void;
  interrupted?: () => boolean;
  /** end the run early once a forbidden outcome or a violation was counted (tests hunting a bug) */
  stopOnFailure?: boolean;
}

export interface LitmusProgress {
  samples: number;
  forbidden: number;
  violations: number;
  elapsedMs: number;
}

export interface LitmusReport {
  samples: number;
  samplesPerSecond: number;
  stride: number;
  durationMs: number;
  seed: number;
  outcomes: { outcome: string; count: number; expect: Grade; desc: string }[];
  violations: LitmusViolation[];
  // beyond the JSON contract (the text report)
  figures: StrideFigure[];
  copies: number;
  /** over the measured samples: fractions that overlapped, started inside a siglock window, contended siglock */
  measured: number;
  overlap: number;
  inWindow: number;
  contended: number;
  /** mean spread of the actors' op starts, microseconds */
  meanSkewUs: number;
  /** mean op duration of the measured samples, microseconds; the skew bound of each actor in the last round, ns */
  meanOpUs: number;
  skewBoundNs: number[];
  /** the per-copy spin starts: how many, the share that had to sleep, looks spent spinning per start */
  starts: number;
  startSleeps: number;
  looksPerStart: number;
  /** where the actors' time went, ms, mean over the actors (audit: the leader's) */
  phases: LitmusPhases;
  resetWordsPerCopy: number;
  prepareMs: number;
  interrupted: boolean;
}

export interface LitmusPhases {
  runMs: number;
  gradeMs: number;
  resetMs: number;
  barrierMs: number;
  auditMs: number;
}

const GRADE_ORDER: Record<Grade, number> = { forbidden: 0, interesting: 1, acceptable: 2 };

/** Long-lived workers for `threads` actors; reusable across runs (a directory, a test file). */
export function litmusPool(threads: number): WorkerPool {
  return workerPool(new URL('./worker.ts', import.meta.url), threads);
}

/** Run `s` for o.durationMs. With `shared`, its workers are used (it must have at least as many as actors) and kept. */
export async function runLitmus(s: ConcurrentScenario, o: LitmusOptions, shared?: WorkerPool): Promise<LitmusReport> {
  const n = s.actorNames.length;
  const maxOps = Math.max(...s.actorNames.map((a) => s.actors[a]!.length));
  const copies = Math.min(maxCopies(s), o.maxStride ?? Infinity);
  await preloadUserLocks(Object.values(o.plan)); // user lock modules: prepare builds handles on this thread
  const tp = performance.now();
  const p = prepare(s, copies, { design: o.design, bug: o.bug, scope: o.scope, plan: o.plan }, n);
  const prepareMs = performance.now() - tp;
  const k = new LitmusCtl(n, maxOps, copies);
  const { c, times, stats } = k.create();
  const candidates = strideCandidates(copies);
  if (shared && shared.size < n) throw new Error(`litmus: the shared pool has ${shared.size} workers, the file has ${n} actors`);
  const pool = shared ?? litmusPool(n);
  const base = {
    m: p.m,
    snapshot: p.snapshot,
    c,
    times,
    stats,
    scenario: s,
    plan: p.plan,
    names: p.names,
    handles: p.handles,
    tids: p.tids,
    setupResults: p.setupResults,
    taskEnd: p.taskEnd,
    nodeEnd: p.nodeEnd,
    freeLists: p.freeLists,
    copies,
    maxOps,
    seed: o.seed,
    durationMs: o.durationMs,
    candidates,
    calibrationMs: Math.min(400, o.durationMs * 0.2),
    skewNs: o.skewNs ?? null,
    design: o.design,
    bug: o.bug,
    scope: o.scope,
    lockPlan: o.plan,
  };
  const t0 = performance.now();
  let interrupted = false;
  const sum = (field: number) => {
    let x = 0;
    for (let a = 0; a < n; a++) x += stats[k.stat(a) + field]!;
    return x;
  };
  const timer = setInterval(() => {
    if (o.interrupted?.() && !interrupted) {
      interrupted = true;
      Atomics.store(c, LH.STOP_REQ, 1);
    }
    if (o.stopOnFailure && sum(STAT.FORBIDDEN) + sum(STAT.VIOLATIONS) > 0) Atomics.store(c, LH.STOP_REQ, 1);
  }, 50);
  const progress = o.progress
    ? setInterval(() => o.progress!({ samples: sum(STAT.SAMPLES), forbidden: sum(STAT.FORBIDDEN), violations: sum(STAT.VIOLATIONS), elapsedMs: performance.now() - t0 }), 1000)
    : null;
  let results: ActorResult[];
  try {
    results = await Promise.all(s.actorNames.map((_, actor) => pool.run({ ...base, actor } satisfies LitmusTask) as Promise<ActorResult>));
  } finally {
    clearInterval(timer);
    if (progress) clearInterval(progress);
    Atomics.store(c, LH.STOP_REQ, 1);
    if (!shared) await pool.destroy();
  }
  const byLine = new Map<string, OutcomeEntry>();
  for (const r of results)
    for (const e of r.entries) {
      const seen = byLine.get(e.outcome);
      if (seen) seen.count += e.count;
      else byLine.set(e.outcome, { ...e });
    }
  const outcomes = [...byLine.values()].sort((a, b) => GRADE_ORDER[a.expect] - GRADE_ORDER[b.expect] || b.count - a.count);
  const samples = outcomes.reduce((x, e) => x + e.count, 0);
  const lead = results[0]!;
  const measured = sum(STAT.MEASURED);
  const frac = (field: number) => (measured > 0 ? sum(field) / measured : 0);
  return {
    samples,
    samplesPerSecond: lead.elapsedMs > 0 ? Math.round((samples * 1000) / lead.elapsedMs) : 0,
    stride: lead.stride,
    durationMs: Math.round(lead.elapsedMs),
    seed: o.seed,
    outcomes: outcomes.map((e) => ({ outcome: e.outcome, count: e.count, expect: e.expect, desc: e.desc })),
    violations: mergeViolations(results.map((r) => r.violations)),
    figures: lead.figures,
    copies,
    measured,
    overlap: frac(STAT.OVERLAP),
    inWindow: frac(STAT.IN_WINDOW),
    contended: frac(STAT.CONTENDED),
    meanSkewUs: measured > 0 ? (sum(STAT.SKEW_SUM) * 1000) / measured : 0,
    meanOpUs: measured > 0 ? (sum(STAT.OP_SUM) * 1000) / measured : 0,
    skewBoundNs: s.actorNames.map((_, a) => Atomics.load(c, LH.SKEW_NS + a)),
    starts: sum(STAT.STARTS),
    startSleeps: sum(STAT.STARTS) > 0 ? sum(STAT.SLEEPS) / sum(STAT.STARTS) : 0,
    looksPerStart: sum(STAT.STARTS) > 0 ? sum(STAT.LOOKS) / sum(STAT.STARTS) : 0,
    phases: { runMs: sum(STAT.RUN_MS) / n, gradeMs: sum(STAT.GRADE_MS) / n, resetMs: sum(STAT.RESET_MS) / n, barrierMs: sum(STAT.BARRIER_MS) / n, auditMs: sum(STAT.AUDIT_MS) },
    resetWordsPerCopy: lead.stride > 0 ? Math.round(lead.resetWords / lead.stride) : 0,
    prepareMs,
    interrupted,
  };
}
