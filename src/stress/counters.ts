/**
 * Per-worker counters in the shared buffer (COUNTERS region): each worker writes
 * only its own (plain stores); the main thread sums them with Atomics.load for
 * progress lines and the report.
 */
import { OP_KINDS } from '../scenario/op-kinds.ts';

/** ops per kind occupy indexes 0..OP_KINDS.length-1 */
export const C = {
  TSYNC_OK: 10,
  TSYNC_FAIL_TID: 11, // refused: an ineligible thread (tid returned)
  TSYNC_FAIL_ESRCH: 12,
  TSYNC_FAIL_ENOMEM: 13,
  TSYNC_FAIL_EACCES: 14,
  TSYNC_FAIL_OTHER: 15,
  ATTACH_OK: 16,
  ATTACH_FAIL: 17,
  CLONE_OK: 18,
  CLONE_FAIL: 19,
  EXITS: 20,
  GROUPS_REPLACED: 21,
  CLAIM_MISSES: 22,
  SYSCALL_NODES: 23,
  SYNC_OK: 25,
  SYNC_FAIL: 26,
  // tsync_retry caller loops (src/stress/retry.ts)
  RETRY_STARTED: 32,
  RETRY_OK: 33,
  RETRY_GAVE_UP: 34, //       after --retry-limit attempts
  RETRY_GAVE_UP_ERRNO: 35, // an error retrying cannot fix (ENOMEM, EACCES, ...): the loop stops at once
  RETRY_ABANDONED: 36, //     the caller itself exited (killed by another loop, or its lifetime ended)
  RETRY_ATTEMPTS: 37, //      attempts made, all loops
  RETRY_KILL_MARKS: 38, //    kill policy: failing threads marked to exit
  RETRY_KILLED_NOW: 39, //    ... of which this worker could claim and exit at once
  RETRY_CALLER_ADDED: 40, //  per success: nodes with the loop's label on the caller's chain (summed)
  RETRY_OTHERS_ADDED: 41, //  per success: nodes with the loop's label on the other live threads' chains (summed)
  RETRY_OTHERS: 42, //        per success: other live threads (summed)
  RETRY_OTHERS_MAX: 43, //    the most such nodes one other thread carried after one success (max)
  RETRY_COMPOSED: 44, //      per success: other threads whose copy is a composed node, not the caller's (summed)
  DIVERGE_ATTACHES: 45, //    --diverge: private filters attached by "library threads"
  LIFETIME_EXITS: 46, //      --lifetime: threads whose lifetime ended
} as const;

if (OP_KINDS.length > 10) throw new Error('counter layout: too many op kinds');
