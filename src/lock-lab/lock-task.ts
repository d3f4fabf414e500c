/**
 * The protocol between a lock test driver (main thread) and lock-worker.ts: task and
 * result shapes, and where in the buffer's scratch region the workloads keep their
 * shared words. Hot words sit on their own cache lines so that the lock's own
 * traffic, not false sharing, is what a workload measures.
 */
import type { LockKind } from '../locks/kinds.ts';
import type { NativeMutex } from '../locks/native.ts';

/** Lock kinds a workload may use: the user-visible kinds plus the negative controls (src/locks/broken.ts). */
export type WorkloadKind = LockKind | 'broken' | 'unfair-rw';

/** Scratch word offsets (add layout.scratchWord(0)). */
export const SLOT = {
  COUNT: 0, //        [lock under test] the counter workers increment with plain read-modify-writes
  BAR_COUNT: 16, //   [atomic] start barrier
  BAR_GEN: 17, //     [atomic]
  HELD: 32, //        [atomic] holder's worker id + 1 once it holds the lock
  GO: 33, //          [atomic] main -> holder: stop holding (native holders only; Atomics.wait/notify)
  DONE: 34, //        [atomic] writers -> readers: no more writes
  HALF: 35, //        [atomic] rw torn-read test, paused rounds: the writer has half-written round k (k)
  READ_AT: 36, //     [atomic] ... and the reader has read in round k (k)
  LOG_POS: 48, //     [lock under test] acquisition log position
  LOG: 49, //         [lock under test] ... 15 entries
  LOG_MAX: 15,
  RECORD: 64, //      [lock under test] rw: a multi-word record, plain writes under the write lock, plain
  RECORD_WORDS: 8, // reads under the read lock; all words equal when consistent
  INNER_COUNT: 80, // [atomic] a barrier inside the read-side critical section
  INNER_GEN: 81, //   [atomic]
  GOT: 97, //         [atomic] rw writer-fairness: the late reader got the lock
  READS: 98, //       [atomic] rw torn-read test: reads done so far (published every 256)
  INSIDE: 99, //      [atomic] entry race: holders inside the critical section right now
  OVERLAPS: 100, //   [atomic] entry race: entries that found another holder inside
  RACE_READY: 101, // [atomic] entry race: arrivals so far (all rounds)
  RACE_GO: 102, //    [atomic] entry race: the round that may start (worker 0 opens it)
  RACE_STOP: 103, //  [atomic] entry race: worker 0 ended the race (time is up); RACE_GO then says how many rounds ran
} as const;
export const SCRATCH_WORDS = 112;

interface TaskBase {
  m: Int32Array;
  kind: WorkloadKind;
  lockId: number;
  worker: number;
  /** watchdog bound for the lock handle, ms */
  watchdogMs: number;
  /** bound on every synchronisation wait of the workload, ms */
  syncMs: number;
  /** only for kind 'native' */
  mutex?: NativeMutex;
}

/** Plain read-modify-writes of SLOT.COUNT under the lock (window: busy work between read and write). */
export interface CountTask extends TaskBase {
  op: 'count';
  parties: number;
  iterations: number;
  window: number;
}
/** Take the lock; `forever`: return still holding it; else hold busy for holdMs after a waiter shows up. */
export interface HoldTask extends TaskBase {
  op: 'hold';
  forever: boolean;
  /** before holding for holdMs: wait until LOCK.WAITER === until (0: any waiter) */
  until: number;
  holdMs: number;
}
/** Wait until SLOT.HELD is set, then acquire (and release); report a DeadlockError as data. */
export interface WaitTask extends TaskBase {
  op: 'wait';
  /** wait until LOCK.WAITER names this worker (+1) before acquiring, 0 = don't */
  after: number;
  log: boolean;
  /**
   * then wait this long before acquiring: for user lock kinds, whose announcement
   * (LOCK.WAITER) comes before their own queueing, the predecessor's time to queue
   */
  graceMs?: number;
}
/**
 * rw torn reads: the writer rewrites the record; the reader checks it (locked: false =
 * the control, no lock). First `pauses` paused rounds, the same for writer and reader: the writer,
 * holding the write lock, writes half the record, says so (HALF), and waits for the
 * reader's read of that round (READ_AT; bounded: under a correct lock the reader cannot
 * read until the writer lets go). So an unlocked reader reads a half-written record in
 * every paused round, and a read lock that does not exclude the writer is caught, on an
 * idle machine or a busy one. Then `iterations` free-running writes.
 */
export interface RwWriteTask extends TaskBase {
  op: 'rw-write';
  parties: number;
  iterations: number;
  pauses: number;
  /** paused rounds: how long the writer waits, holding the lock, for the reader's read */
  pauseMs: number;
}
export interface RwReadTask extends TaskBase {
  op: 'rw-read';
  parties: number;
  locked: boolean;
  maxReads: number;
  pauses: number;
}
/** rw: all readers meet at a barrier inside the read-side critical section. */
export interface RwShareTask extends TaskBase {
  op: 'rw-share';
  parties: number;
  innerMs: number;
}
/** rw writer-fairness: first reader holds until the late reader queues (or gets in). */
export interface RwFairTask extends TaskBase {
  op: 'rw-fair';
  role: 'first-reader' | 'writer' | 'late-reader';
  writerId: number;
  lateReaderId: number;
}

/** Every round, all parties meet at a barrier and acquire at once: a check-then-act lock lets two in. */
export interface EntryRaceTask extends TaskBase {
  op: 'entry-race';
  parties: number;
  rounds: number;
  /** worker 0 ends the race after this long even if fewer rounds ran */
  maxMs: number;
}
export type LockTask = CountTask | HoldTask | WaitTask | RwWriteTask | RwReadTask | RwShareTask | RwFairTask | EntryRaceTask;

export interface DeadlockReport {
  name: string;
  message: string;
  lock: string;
  holder: number;
  waiter: number;
  waitedMs: number;
}

export interface LockTaskResult {
  worker: number;
  /** this worker's LSTAT record after the workload */
  acquired: number;
  contended: number;
  spins: number;
  maxWaitUs: number;
  /** futex: waiters the holder's release woke */
  woken?: number;
  /** rw-read: records read and torn ones seen */
  reads?: number;
  torn?: number;
  /** wait: the DeadlockError the waiter got, if any, and how long it took */
  deadlock?: DeadlockReport;
  elapsedMs?: number;
  /** hold: lock state word seen by the holder just before releasing */
  stateSeen?: number;
  /** rw-share: every reader was inside the read section at once */
  shared?: boolean;
  /** rw-fair (first reader): the late reader got in while a writer was waiting */
  gotEarly?: boolean;
}
