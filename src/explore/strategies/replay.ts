/** Replay: one execution (or `times` identical ones) of a recorded deviation list. */
import { H, type CtlLayout } from '../ctl.ts';
import type { Strategy } from './strategy.ts';
import { writeDeviations, type Deviation } from './deviations.ts';

export class ReplayStrategy implements Strategy {
  readonly name = 'replay';
  readonly decider = 3;
  private done = 0;
  constructor(
    private readonly devs: readonly Deviation[],
    private readonly seed: number,
    private readonly times = 1,
  ) {}

  newExecution(c: Int32Array, k: CtlLayout): boolean {
    if (this.done >= this.times) return false;
    this.done++;
    writeDeviations(c, k, this.devs);
    c[H.OPRNG] = this.seed;
    return true;
  }

  opSeed(): number {
    return this.seed;
  }

  summary(): string {
    return `replay of ${this.devs.length} recorded choice(s)`;
  }
}
