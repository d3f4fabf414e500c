/**
 * The in-worker half of a strategy: shuttle's `next_task` and `next_u64`, run by the
 * actor that holds the turn, over the strategy's area of the control buffer (so a
 * decision that keeps the current actor costs no message and no wake).
 */
import type { CtlLayout } from '../ctl.ts';
import { H, u32At } from '../ctl.ts';

export interface Decider {
  /**
   * Pick the next actor among `runnable` (a bit mask). `current` is the actor asking
   * (-1 at the start of an execution); `isYielding`: it cannot go on (blocked, finished).
   */
  nextTask(c: Int32Array, k: CtlLayout, runnable: number, current: number, isYielding: boolean, step: number): number;
}

/** The only source of randomness for workloads: a seeded generator in the control buffer. */
export function nextU64(c: Int32Array): number {
  // 53 bits are enough for every use (op choices); returned as a safe integer
  return u32At(c, H.OPRNG) * 2097152 + (u32At(c, H.OPRNG) >>> 11);
}
