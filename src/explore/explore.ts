/**
 * explore: run a strategy's executions until one fails (a checker violation, a
 * deadlock, a forbidden outcome) or the strategy is done; then print-ready results:
 * the schedule string, its interleaving table, the shrunk schedule and its table.
 */
import { Session, type Execution, type Finding, type World } from './session.ts';
import type { Workload } from './workloads.ts';
import type { Strategy } from './strategies/strategy.ts';
import { RandomStrategy } from './strategies/random.ts';
import { PctStrategy } from './strategies/pct.ts';
import { DfsStrategy } from './strategies/dfs.ts';
import { DporStrategy, type ShardSpec } from './strategies/dpor.ts';
import type { StrategyName } from './strategies/index.ts';
import { encodeSchedule, traceHash } from './schedule.ts';
import { userLockIds, wordNamer } from './words.ts';
import { DEFAULT_LOCK_PLAN, type LockPlan, type LockRole } from '../locks/kinds.ts';
import { isUserLockKind, userLockPath } from '../locks/user.ts';
import { interleavingTable } from './table.ts';
import { shrink, signature } from './shrink.ts';
import { ReplayStrategy } from './strategies/replay.ts';
import { END } from './ctl.ts';
import { decodeResult } from '../scenario/concurrent-ops.ts';

export interface ExploreOptions {
  strategy: StrategyName;
  iterations: number;
  depth: number;
  preemptions: number;
  seed: number;
  /** called about every second */
  progress?: (executions: number, elapsedMs: number) => void;
  interrupted?: () => boolean;
  /** shrink a found schedule (default true; the benchmark only counts) */
  shrink?: boolean;
  /** dpor: explore only this shard of the search */
  shard?: ShardSpec | null;
}

export interface OutcomeCount {
  line: string;
  expect: string;
  desc: string;
  count: number;
}

export interface ExploreReport {
  found: boolean;
  schedule: string | null;
  minimal: string | null;
  iterations: number;
  elapsedMs: number;
  violation: Finding | null;
  /** the strategy's own line: schedules counted, exhaustive or not, PCT bound */
  summary: string;
  table: string | null;
  minimalTable: string | null;
  minimalPreemptions: number;
  minimalSteps: number;
  foundPreemptions: number;
  foundSteps: number;
  shrinkRuns: number;
  /** distinct outcomes seen (scenario files), with their grades */
  outcomes: OutcomeCount[];
  interrupted: boolean;
  /** every execution was explored: only a dpor search that ran out of states (not cut, not stopped) */
  exhaustive: boolean;
  /** dpor: complete executions, one per Mazurkiewicz trace; other strategies: executions run */
  traces: number;
  /** dpor: executions cut by the sleep sets (0 for other strategies) */
  sleepBlocked: number;
  /** dpor with --shard: which shard, of a search cut below this depth; probes of other shards' subtrees */
  shard: ShardReport | null;
  /** "real": every lock ran its own code under the scheduler; "granted": the scheduler granted locks (--grant-locks) */
  lockCode: 'real' | 'granted';
  /** what a replay needs besides the schedule string: the --lock flags of a plan other than the default */
  replayFlags: string;
}

/** `--lock ROLE=KIND` for each role whose kind is not the default (the schedule string does not carry the plan). */
export function lockFlags(plan: LockPlan): string {
  const out: string[] = [];
  for (const [role, kind] of Object.entries(plan)) {
    if (kind === DEFAULT_LOCK_PLAN[role as LockRole]) continue;
    const k = String(kind);
    const v = isUserLockKind(k) ? userLockPath(k) : k;
    out.push(`--lock ${role}=${/^[\w./:=@+-]+$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`}`);
  }
  return out.join(' ');
}

/** What a shard's JSON says of itself: which part of which search (tsync-lab merge checks it). */
export interface ShardReport {
  index: number;
  count: number;
  /** the search is dealt in the subtrees below this many steps */
  depth: number;
  /** the search: workload (f=<file hash> or w=...), design, bug, scope, lock plan */
  search: { workload: string; design: string; bug: string | null; scope: string; plan: Record<string, string>; lockCode?: 'real' | 'granted' };
  /** runs of the first `depth` steps of subtrees other shards own */
  probes: number;
  /** the outcomes of this shard's traces, with their counts */
  outcomes: OutcomeCount[];
}

export function makeStrategy(o: ExploreOptions, nActors: number, varyOps: boolean): Strategy {
  switch (o.strategy) {
    case 'random':
      return new RandomStrategy(o.seed, o.iterations, varyOps);
    case 'pct':
      return new PctStrategy(o.seed, o.iterations, o.depth, nActors, varyOps);
    case 'dfs':
      return new DfsStrategy(o.preemptions, o.iterations, o.seed);
    case 'dpor':
      return new DporStrategy(nActors, o.iterations, o.seed, o.shard ?? null);
  }
}

export function scheduleOf(session: Session, e: Execution): string {
  const w = session.world;
  return encodeSchedule({
    workload: session.workload.header,
    design: w.design,
    bug: w.bug,
    scope: w.scope,
    seed: e.opSeed,
    steps: e.steps,
    hash: traceHash(e.trace),
    failure: e.failure ? signature(e.failure).replace(/:.*$/, '') : null,
    deviations: e.deviations,
    grantLocks: w.grantLocks === true,
  });
}

export function tableOf(session: Session, e: Execution): string {
  const wl = session.workload;
  const results = e.outcome?.result.actors;
  return interleavingTable({
    L: session.L,
    wordName: wordNamer(session.L, userLockIds(session.L, session.world.plan)),
    names: wl.names,
    trace: e.trace,
    describeOp: (a, i) => wl.describeOp(a, i, e.opKind(a, i)),
    resultOf: (a, i) => {
      const r = results?.[wl.names[a]!]?.[i];
      if (r) return r.result === 'ok' ? 'ok' : r.result === 'error' ? r.errno : `tsync_failed (${r.thread})`;
      // no graded outcome (the stress workload, or an execution that did not end
      // normally): an op that failed with an errno names it, from its result words
      const { code, arg } = e.opResult(a, i);
      const d = decodeResult(code, arg, (tid) => `tid${tid}`);
      return d.result === 'error' ? d.errno : undefined;
    },
  });
}

export async function explore(workload: Workload, world: World, o: ExploreOptions): Promise<ExploreReport> {
  const session = await Session.open(workload, world);
  try {
    return await search(session, o);
  } finally {
    await session.close();
  }
}

/** Yield to the event loop this often (SIGINT, progress). */
const SLICE_MS = 100;

export async function search(session: Session, o: ExploreOptions): Promise<ExploreReport> {
  const strategy = makeStrategy(o, session.workload.names.length, session.workload.header.startsWith('w=stress'));
  const t0 = performance.now();
  let lastProgress = t0;
  const outcomes = new Map<string, OutcomeCount>();
  let n = 0;
  let failing: Execution | null = null;
  let interrupted = false;
  outer: for (;;) {
    const sliceEnd = performance.now() + SLICE_MS;
    while (performance.now() < sliceEnd) {
      const e = session.run(strategy);
      if (!e) break outer;
      // dpor: an execution cut by the sleep sets (its trace is explored elsewhere), or a shard's
      // probe of a subtree another shard owns: not counted, and not a finding here
      if (strategy instanceof DporStrategy && !strategy.lastCounts()) continue;
      n++;
      if (e.outcome) {
        const c = outcomes.get(e.outcome.line);
        if (c) c.count++;
        else outcomes.set(e.outcome.line, { line: e.outcome.line, expect: e.outcome.expect, desc: e.outcome.desc, count: 1 });
      }
      if (e.failure) {
        failing = e;
        break outer;
      }
    }
    await new Promise((r) => setImmediate(r));
    if (o.interrupted?.()) {
      interrupted = true;
      break;
    }
    const now = performance.now();
    if (o.progress && now - lastProgress >= 1000) {
      lastProgress = now;
      o.progress(n, now - t0);
    }
  }
  const report: ExploreReport = {
    found: failing !== null,
    schedule: null,
    minimal: null,
    iterations: n,
    elapsedMs: 0,
    violation: failing?.failure ?? null,
    summary: strategy.summary(),
    table: null,
    minimalTable: null,
    minimalPreemptions: 0,
    minimalSteps: 0,
    foundPreemptions: failing?.preemptions ?? 0,
    foundSteps: failing?.steps ?? 0,
    shrinkRuns: 0,
    outcomes: [...outcomes.values()],
    interrupted,
    exhaustive: false,
    traces: n,
    sleepBlocked: 0,
    shard: null,
    lockCode: session.world.grantLocks === true ? 'granted' : 'real',
    replayFlags: lockFlags(session.world.plan),
  };
  if (strategy instanceof DporStrategy) {
    const k = strategy.counts();
    report.exhaustive = k.exhaustive && !interrupted && failing === null;
    report.traces = k.traces;
    report.sleepBlocked = k.sleepBlocked;
    if (strategy.shard) {
      const w = session.world;
      const plan: Record<string, string> = {};
      for (const [role, kind] of Object.entries(w.plan).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) plan[role] = String(kind);
      report.shard = {
        ...strategy.shard,
        depth: strategy.depth,
        search: { workload: session.workload.header, design: w.design, bug: w.bug, scope: w.scope, plan, lockCode: w.grantLocks === true ? 'granted' : 'real' },
        probes: k.probes,
        outcomes: report.outcomes,
      };
    }
  }
  if (failing && failing.end === END.CUT) {
    // dpor cut this execution (sleep sets) after its violation: run it to its end, so that its schedule replays
    const full = session.run(new ReplayStrategy(failing.deviations, failing.opSeed));
    if (full?.failure && signature(full.failure) === signature(failing.failure!)) failing = full;
  }
  if (failing) {
    report.schedule = scheduleOf(session, failing);
    report.table = tableOf(session, failing);
    report.elapsedMs = performance.now() - t0;
    if (o.shrink === false) return report;
    const s = shrink(session, failing);
    report.minimal = scheduleOf(session, s.exec);
    report.minimalTable = tableOf(session, s.exec);
    report.minimalPreemptions = s.exec.preemptions;
    report.minimalSteps = s.exec.steps;
    report.shrinkRuns = s.runs;
  } else report.elapsedMs = performance.now() - t0;
  return report;
}
