/**
 * The litmus control buffers: everything the actors and the main thread share besides
 * the lab buffer. One Int32Array (round control, one record per copy) and two
 * Float64Arrays (per-copy timestamps, per-actor statistics). Named offsets only.
 *
 * Who writes what:
 *   LH.BARRIER   [atomic] monotonic barrier counter: every actor adds 1 per barrier
 *   LH.CMD       [atomic] written by the leader (actor 0) before barrier B0: the next round's stride, 0 = stop
 *   LH.SKEW_NS+a [atomic] written by the leader before barrier B0: the bound of actor a's per-copy skew
 *                in the round, ns (at most 8 actors)
 *   LH.STOP_REQ  [atomic] written by the main thread (deadline handled by the leader; SIGINT here)
 *   LH.ABORT     [atomic] any actor whose op threw: the others leave the stride at their next copy
 *   START words  [atomic] one cache line (LINE words) per copy: actors arrived at this copy (low 16 bits; the
 *                per-copy spin start), plus 0x10000 per actor that went to sleep waiting there
 *   results      [owner] per actor, its op results of every copy (the runtime's RESULT records),
 *                contiguous (no line shared with the other actors or the start words while the
 *                stride runs), read by the evaluators after barrier B1
 */

import { LINE } from '../shared/layout.ts';
import { CTL, RESULT } from '../workers/control.ts';

/** The round-control words: the run-control block, then the barrier's line, then the leader's line. */
export const LH = {
  /** the runtime's run-control block (src/workers/control.ts): the main thread's stop, an actor's abort */
  STOP_REQ: CTL.STOP,
  ABORT: CTL.ABORT,
  BARRIER: CTL.SIZE,
  /** [atomic] actors asleep (Atomics.wait) at the barrier: the last arriver wakes them */
  BARRIER_SLEEP: CTL.SIZE + 1,
  CMD: CTL.SIZE + LINE,
  SKEW_NS: CTL.SIZE + LINE + 1,
  SIZE: CTL.SIZE + 2 * LINE,
} as const;

/** One copy in this many gets timestamps (a draw of the per-copy seed both actors agree on). */
export const MEASURE_EVERY = 8;

/** Per-copy, per-actor timestamps (performance.now(), ms: workers share the main thread's
 * timeOrigin, so they compare) [owner]; 0 = not reached or not measured. */
export const TIME = {
  OP_START: 0, // the actor's first op begins (after the spin start and its skew)
  OP_END: 1, //   its last op returned
  SIG_WANT: 2, // it first asked for the copy's siglock
  SIG_ACQ: 3, //  it first held it
  SIG_REL: 4, //  it last released it
  SIZE: 8,
} as const;

/** Per-actor statistics [owner], published after each round; the main thread reads them best effort. */
export const STAT = {
  SAMPLES: 0,
  FORBIDDEN: 1,
  VIOLATIONS: 2,
  /** samples whose actors' op intervals intersected */
  OVERLAP: 3,
  /** samples where one actor's op started inside another's siglock window */
  IN_WINDOW: 4,
  /** samples where one actor asked for siglock while another held it */
  CONTENDED: 5,
  /** sum over samples of the spread of the actors' op start times (ms) */
  SKEW_SUM: 6,
  ROUNDS: 7,
  /** samples whose timestamps were taken (1 in MEASURE_EVERY: performance.now() costs ~110 ns) */
  MEASURED: 8,
  /** sum over the measured samples of this actor's op duration (ms): the leader sizes the skew from it */
  OP_SUM: 9,
  /** where the actor's time went, ms: the strides (spin starts, skew, ops), grading, teardown, the three barriers */
  RUN_MS: 10,
  GRADE_MS: 11,
  RESET_MS: 12,
  BARRIER_MS: 13,
  /** per-copy spin starts, those that ended asleep (the partner was not there within the spin budget) */
  STARTS: 14,
  SLEEPS: 15,
  /** looks spent spinning at the per-copy starts */
  LOOKS: 16,
  /** the leader's whole-buffer audits, ms */
  AUDIT_MS: 17,
  SIZE: 20,
} as const;


export class LitmusCtl {
  /** result words per actor per copy */
  readonly recordWords: number;
  readonly words: number;
  /** where the results begin; the words of one actor's results (whole lines) */
  private readonly results: number;
  private readonly perActor: number;

  constructor(
    readonly actors: number,
    readonly maxOps: number,
    readonly copies: number,
  ) {
    this.recordWords = maxOps * RESULT.SIZE;
    this.results = LH.SIZE + copies * LINE;
    // each actor's results start on a line of their own
    const perActor = Math.ceil((copies * this.recordWords) / LINE) * LINE;
    this.words = this.results + actors * perActor + LINE;
    this.perActor = perActor;
  }

  start(copy: number): number {
    return LH.SIZE + copy * LINE;
  }
  result(copy: number, actor: number, op: number): number {
    return this.results + actor * this.perActor + copy * this.recordWords + op * RESULT.SIZE;
  }
  time(copy: number, actor: number): number {
    return (copy * this.actors + actor) * TIME.SIZE;
  }
  stat(actor: number): number {
    return actor * STAT.SIZE;
  }

  create(): { c: Int32Array; times: Float64Array; stats: Float64Array } {
    return {
      c: new Int32Array(new SharedArrayBuffer(this.words * 4)),
      times: new Float64Array(new SharedArrayBuffer(this.copies * this.actors * TIME.SIZE * 8)),
      stats: new Float64Array(new SharedArrayBuffer(this.actors * STAT.SIZE * 8)),
    };
  }
}
