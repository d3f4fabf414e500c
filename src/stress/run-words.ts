/**
 * The stress engine's own shared words, in a SharedArrayBuffer of their own beside the
 * model's (src/shared/layout.ts): the run words (the runtime's run-control block — start
 * gate, stop, the violation count —, then the audit barrier) and one loop record per task slot (the claim that makes a
 * simulated thread run on one worker at a time, and the tsync_retry caller loop's
 * state). The model never reads or writes them; this file is the one place that
 * knows where they live.
 *
 * Who may touch each field:
 *   [atomic]  read and written with Atomics, by any worker and the main thread
 *   [main]    written by the main thread only (Atomics), read by the workers with Atomics
 *   [claim]   plain access by the worker holding the task's CLAIM (whichever worker
 *             runs the thread next continues where the last one left it)
 */
import { LINE, WORD } from '../shared/layout.ts';
import { CTL } from '../workers/control.ts';

/**
 * Run words: the runtime's run-control block (src/workers/control.ts) at word 0, then the
 * audit request and the barrier, each on a cache line of its own.
 */
export const RUN = {
  STOP: CTL.STOP, //   [atomic] non-zero: workers finish their op and return (1 stop, 2 abort). Set by the main
  //                   thread (the duration, --ops, SIGINT, the livelock watchdog, a start that failed) and by
  //                   a worker (1: --max-violations or --stop-on reached; 2: a crash or a deadlock)
  VIOLATIONS: CTL.FINDINGS, // [atomic] violations reported so far (all workers and the main thread)
  ACTIVE: CTL.ACTIVE, // [atomic] workers still running their loop (each adds 1 on entry, takes it back on return)
  STARTED: CTL.READY, // [atomic] workers that have entered their loop
  GO: CTL.GO, //       [main] the start gate: workers wait until it is non-zero
  AUDIT_REQ: CTL.SIZE, // [main] non-zero: workers park at the barrier (a stop-the-world audit); read before every op,
  //                   so on a cache line of its own
  BARRIER_HOLD: CTL.SIZE + LINE, // [atomic] workers parked at the audit barrier
  SIZE: CTL.SIZE + 2 * LINE,
} as const;

/** A task slot's loop record: one cache line per slot (claims of neighbouring slots do not share a line). */
export const LOOP = {
  CLAIM: 0, //       [atomic] worker id + 1 running as this task, 0 = free; taken by CAS, cleared by the claimer
  RETRY: 1, //       [claim] the thread's caller loop: (tid & 0xffff) << 16 | attempts so far; 0 = no loop. A
  //                  word whose tid tag is not the thread's is a dead thread's loop on a recycled slot (= none)
  RETRY_LABEL: 2, // [claim] the loop's filter label (valid while RETRY is this thread's)
  RETRY_T0: 3, //    [claim] when the loop started: epoch microseconds mod 2^32 (differences are exact < 71 min)
  KILL: 4, //        [atomic] --retry-policy kill: the tid a caller loop asked to exit (it exits at its next op);
  //                  stored with the group's siglock held while that tid is on the list (so its slot cannot be
  //                  recycled meanwhile), read and cleared by the claimer. Tagged by tid: a mark left on a
  //                  recycled slot is ignored
  SIZE: LINE,
} as const;

/** The stress engine's words for a model of `maxTasks` task slots. */
export class RunWords {
  readonly r: Int32Array;

  constructor(maxTasks: number, r?: Int32Array) {
    this.r = r ?? new Int32Array(new SharedArrayBuffer((RUN.SIZE + maxTasks * LOOP.SIZE) * WORD));
    if (this.r.length !== RUN.SIZE + maxTasks * LOOP.SIZE) throw new Error(`stress run words: ${this.r.length} words for ${maxTasks} task slots`);
  }

  /** The words a worker was handed (`r` of RunWords.create's buffer). */
  static of(r: Int32Array): RunWords {
    return new RunWords((r.length - RUN.SIZE) / LOOP.SIZE, r);
  }

  /** Word index of task slot `slot`'s loop record. */
  task(slot: number): number {
    return RUN.SIZE + slot * LOOP.SIZE;
  }
}
