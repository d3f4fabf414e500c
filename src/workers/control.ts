/**
 * The run-control block every engine's control buffer begins with, and the one record
 * an op's result takes in shared memory. The engines' own words follow the block (at
 * `CTL.SIZE` and on): the stress engine's audit barrier and loop records
 * (src/stress/run-words.ts), explore's scheduler state (src/explore/ctl.ts), litmus's
 * barrier, stride and start words (src/litmus/ctl.ts). So "stop", "abort", "quit",
 * "ready" and the findings count have one name and one place, whatever the engine.
 *
 * Who may touch each word: every word of the block is [atomic] (Atomics, any worker and
 * the main thread); which of them an engine uses, and who sets it, its own file says.
 */
import { LINE } from '../shared/layout.ts';
import type { EncodedResult } from '../scenario/concurrent-ops.ts';

/** The run-control block: one cache line at word 0 of an engine's control buffer. */
export const CTL = {
  /** workers that have entered their program's loop */
  READY: 0,
  /** the start gate: non-zero once the main thread lets the workers begin together */
  GO: 1,
  /** non-zero: workers finish what they are doing and return (1 stop, 2 abort: a crash, a deadlock) */
  STOP: 2,
  /** the execution or round under way is being torn down: leave it at the next look */
  ABORT: 3,
  /** workers leave their loop (explore: between executions) */
  QUIT: 4,
  /** workers inside their loop (each adds 1 on entry and takes it back on return) */
  ACTIVE: 5,
  /** findings (violations) reported so far, by the workers and the main thread */
  FINDINGS: 6,
  SIZE: LINE,
} as const;

/**
 * An actor op's result in shared memory (explore's per-actor records, litmus's per-copy
 * records): the encoded result (src/scenario/concurrent-ops.ts encodeResult, which keeps
 * the errno), the new thread's tid (clone: it names the thread in later results), and
 * the op's kind (its index in the workload's op list; explore's schedule lines name it).
 * Guard: plain words, written only by the actor whose op it is, read by others only
 * after a synchronising hand-over (explore: the turn hand-over and the end of the
 * execution; litmus: [owner], read after barrier B1).
 */
export const RESULT = { CODE: 0, ARG: 1, CHILD: 2, CHILD_TID: 3, KIND: 4, SIZE: 5 } as const;

/** Writes `r` (and the child's tid) into the result record at `at`. */
export function writeResult(c: Int32Array, at: number, r: EncodedResult, childTid: number): void {
  c[at + RESULT.CODE] = r.code;
  c[at + RESULT.ARG] = r.arg;
  c[at + RESULT.CHILD] = r.child;
  c[at + RESULT.CHILD_TID] = childTid;
}

/** The encoded result in the record at `at`. */
export function readResult(c: Int32Array, at: number): EncodedResult {
  return { code: c[at + RESULT.CODE]!, arg: c[at + RESULT.ARG]!, child: c[at + RESULT.CHILD]! };
}
