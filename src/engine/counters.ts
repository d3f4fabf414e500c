/**
 * Per-worker counters in the shared buffer (COUNTERS region): each worker writes
 * only its own (plain stores); the main thread sums them with Atomics.load for
 * progress lines and the report.
 */
import { OP_KINDS } from './mix.ts';

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
} as const;

if (OP_KINDS.length > 10) throw new Error('counter layout: too many op kinds');
