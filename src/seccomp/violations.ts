import type { Finding } from '../shared/finding.ts';

/**
 * Violation kinds: the names the stress report uses and the seeded bugs' `catches`
 * refer to (a contract: keep the strings).
 */
export const VIOLATION_KINDS = [
  'use-after-free', //       a node or task slot touched after its generation changed, or with refs 0
  'refcount-underflow', //   a put on a node whose count was already 0
  'refcount-overflow', //    a count reached the saturation value
  'monotonicity', //         a live thread lost a filter (its old head is not on its new chain)
  'tsync-postcondition', //  after a successful TSYNC a thread lacks the new head or nnp
  'tsync-atomicity', //      a failed TSYNC changed something in the group
  'escape', //               a group member without the last successful TSYNC's filter
  'refcount-mismatch', //    audit: refs != heads + live children
  'cycle', //                audit: a chain that does not end
  'syscall-walk', //         a lockless syscall-entry walk did not run its whole chain (path length)
  'mode-head', //            audit: mode filter <=> head non-null broken for a live thread
  'filter-count', //         audit: a live thread's filter_count is not the length of its chain (I13)
  'leak', //                 audit: nodes left allocated after every group exited
  'deadlock', //             a lock waited on past the watchdog bound
  'livelock', //             an op that did not finish within its bound
  'lockdep-cycle', //        possible circular locking dependency
  'lockdep-recursion', //    a lock acquired while already held by the same worker
  'lock-held', //            a lock still held when an op ended
  'lock-contract', //        a model function ran without a lock it asserts (lockdep_assert_held)
  'inheritance', //          a cloned child's seccomp state differs from its parent's at link time
  'crash', //                a worker threw something that is not a finding
  'mutual-exclusion', //     two holders of a user lock kind at once (its wrapper, src/locks/user.ts, saw it)
] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

/** A finding of the model's checkers (the lab's one finding type, src/shared/finding.ts), by worker index. */
export interface Violation extends Finding {
  kind: ViolationKind;
  worker: number;
  /** task ids (tids) involved */
  tasks: number[];
  /** node handles involved */
  nodes: number[];
  seed?: number;
  /** when it was found: epoch milliseconds (performance.timeOrigin + now), set by the engine */
  atMs?: number;
  /** last events of the involved workers, oldest first (filled in by the engine) */
  trace?: string[];
}

/** Where the model sends what it finds. */
export interface Reporter {
  report(v: Omit<Violation, 'worker'>): void;
}

/** A reporter that keeps everything (scenario runs, tests). */
export class ListReporter implements Reporter {
  readonly list: Violation[] = [];
  constructor(private readonly worker = 0) {}
  report(v: Omit<Violation, 'worker'>): void {
    this.list.push({ ...v, worker: this.worker });
  }
}
