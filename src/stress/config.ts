/** The configuration of a stress run (what the report's `config` echoes). */
import type { BugName } from '../seccomp/bug.ts';
import type { LockPlan } from '../locks/kinds.ts';
import type { Scope } from '../seccomp/context.ts';
import type { Mix } from './mix.ts';

export interface StressConfig {
  design: string;
  bug: BugName | null;
  scope: Scope;
  workers: number;
  groups: number;
  threadsLow: number;
  threadsHigh: number;
  durationMs: number;
  /** a budget of operations: stop once the workers finished this many ops in all (0: none; --duration stays a cap) */
  opsBudget: number;
  seed: number;
  mix: Mix;
  locks: LockPlan;
  /** probability of a tiny delay at each seam point */
  noise: number;
  lockdep: boolean;
  maxViolations: number;
  /** stop at the first violation of one of these kinds instead (null: use maxViolations) */
  stopOn: string[] | null;
  auditEveryMs: number;
  /** lock watchdog bound, ms */
  watchdogMs: number;
  /** an op that makes no progress for this long is a livelock, ms */
  livelockMs: number;
  /** chain depth at which attach/tsync turn into exit (keeps groups churning) */
  maxDepth: number;
  /** run the online checkers */
  checking: boolean;
  /** testing only: worker 0 misbehaves on its Nth op, to prove a watchdog fires */
  inject: Injection | null;
  /** record TSYNC latencies into an HDR histogram */
  latency: boolean;
  /** tsync_retry: attempts before a caller loop gives up */
  retryLimit: number;
  /** tsync_retry: on failure wait (retry later) or kill the thread whose tid came back */
  retryPolicy: RetryPolicy;
  /** probability that an op is replaced by a private attach ("library thread" diverging), 0 = off */
  diverge: number;
  /** mean thread lifetime in ops (each op exits with probability 1/lifetime), 0 = off */
  lifetime: number;
}

export const RETRY_POLICIES = ['wait', 'kill'] as const;
export type RetryPolicy = (typeof RETRY_POLICIES)[number];

export const INJECTIONS = ['crash', 'stall', 'lock-leak', 'unlocked'] as const;
/**
 * crash: the op throws (exit 3, partial report); stall: the op never finishes
 * (livelock watchdog); lock-leak: the op returns holding its group's siglock
 * (lock-held check, then the other workers' deadlock watchdog).
 */
export interface Injection {
  kind: (typeof INJECTIONS)[number];
  afterOps: number;
}

/** Task-table and arena sizes for a configuration. */
/** Task slots a configuration needs: live threads stay <= high per group; add a zombie
 *  leader per group and the clones in flight. Above 65535 the layout cannot hold it. */
export function tasksNeeded(c: Pick<StressConfig, 'groups' | 'threadsHigh' | 'workers'>): number {
  return c.groups * (c.threadsHigh + 2) + 2 * c.workers + 4;
}

export function sizesFor(c: StressConfig): { maxTasks: number; maxFilters: number } {
  const maxTasks = Math.min(65535, tasksNeeded(c));
  const maxFilters = Math.min(65535, Math.max(4096, c.groups * (c.threadsHigh + 2) * (c.maxDepth + 8)));
  return { maxTasks, maxFilters };
}
