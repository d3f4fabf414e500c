/**
 * The lock benchmark's protocol between the driver (main thread) and bench-worker.ts:
 * task and result shapes, and the scratch words the workloads share. Each hot word
 * has its own cache line.
 */
import type { LockKind } from '../locks/kinds.ts';
import type { NativeMutex } from '../locks/native.ts';

export const BSLOT = {
  STOP: 0, //      [atomic] worker 0 -> others: the contended run is over
  BAR_COUNT: 16, // [atomic] start/end barrier
  BAR_GEN: 17, //   [atomic]
  DATA: 32, //     [lock under test] the contended critical section's data word (plain increments)
  PING: 48, //     [atomic] the ping-pong word
  FLOOR: 64, //    [atomic] the word the floor loop (compareExchange + store) works on
} as const;
export const BENCH_SCRATCH_WORDS = 80;

/** Engine floor: one compareExchange + one store on the shared buffer, ns per pair per run. */
export interface FloorTask {
  op: 'floor';
  m: Int32Array;
  pairs: number;
  runs: number;
}
/** V8's mutex without the lab's wrapper: Atomics.Mutex.lock(m, empty fn), ns per run. */
export interface NativeRawTask {
  op: 'native-raw';
  mutex: NativeMutex;
  pairs: number;
  runs: number;
}
/** Cache-line ping-pong: two workers bounce a word; side 0 reports one-way ns per run. */
export interface PingPongTask {
  op: 'pingpong';
  m: Int32Array;
  side: 0 | 1;
  trips: number;
  runs: number;
}
/** One worker alone: acquire+release and run(empty) pairs, ns per run, each run next to a floor measurement. */
export interface UncontendedTask {
  op: 'uncontended';
  m: Int32Array;
  kind: LockKind;
  lockId: number;
  mutex?: NativeMutex;
  pairs: number;
  runs: number;
}
/**
 * Two workers hammer the lock with a tiny critical section for `ms` per run; each run
 * is preceded by a short ping-pong between the same two workers, so that the handoff
 * limit is measured under the same vCPU placement (it drifts every few hundred ms).
 */
export interface ContendedTask {
  op: 'contended';
  m: Int32Array;
  kind: LockKind;
  lockId: number;
  worker: number;
  parties: number;
  mutex?: NativeMutex;
  ms: number;
  runs: number;
  /** round trips of the ping-pong before each run */
  trips: number;
}
/** Model-style locking through the seam (ttas): direct run vs Seam.withLock, hook null vs no-op. */
export interface SeamTask {
  op: 'seam';
  m: Int32Array;
  lockId: number;
  pairs: number;
  runs: number;
}

/** Every worker of the pool meets at the barrier: after this, all have loaded their code and idle. */
export interface ReadyTask {
  op: 'ready';
  m: Int32Array;
  parties: number;
}

export type BenchTask = ReadyTask | FloorTask | NativeRawTask | PingPongTask | UncontendedTask | ContendedTask | SeamTask;

export interface UncontendedResult {
  /** acquire()+release() ns per pair (native: run(empty), its only form), one per run */
  pairNs: number[];
  /** run(empty fn) ns, one per run */
  runNs: number[];
  /** the engine floor measured in the same worker just before each run */
  floorNs: number[];
}
export interface ContendedRun {
  acquisitions: number;
  elapsedMs: number;
  /** one-way cache-line handoff measured by the same two workers just before this run */
  pingNs: number;
}
export interface SeamResult {
  directNs: number[];
  hookOffNs: number[];
  hookOnNs: number[];
}
