/**
 * The main-thread half of a strategy (shuttle's `new_execution`): prepare the shared
 * state of the next execution, or say the search is over. Its `decider` names the
 * in-worker half (strategies/index.ts) that makes the decisions during the execution.
 */
import type { CtlLayout } from '../ctl.ts';

export interface Strategy {
  readonly name: string;
  /** index into DECIDERS */
  readonly decider: number;
  /** prepare the next execution (strategy area, H.OPRNG); false = done */
  newExecution(c: Int32Array, k: CtlLayout): boolean;
  /** the execution just ended: read its decision log (DFS backtracks from it) */
  endExecution?(c: Int32Array, k: CtlLayout): void;
  /** the seed the workload's op choices of the last prepared execution came from */
  opSeed(): number;
  /** one line: what was searched, and any bound it gives */
  summary(): string;
}

/** A 32-bit seed for (seed, execution, purpose). */
export function mixSeed(seed: number, i: number, purpose: number): number {
  let h = Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) ^ Math.imul(i + 1, 0x9e3779b9) ^ Math.imul(purpose, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 13)) | 0;
}
