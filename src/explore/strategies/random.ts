/**
 * Seeded random: at every decision, a uniformly random runnable actor (shuttle's
 * RandomScheduler). Execution i's generator is seeded from (seed, i).
 */
import { H, nthBit, popcount, u32At, type CtlLayout } from '../ctl.ts';
import type { Decider } from './decider.ts';
import type { Strategy } from './strategy.ts';
import { mixSeed } from './strategy.ts';

export const randomDecider: Decider = {
  nextTask(c, k, runnable) {
    const n = popcount(runnable);
    if (n === 1) return nthBit(runnable, 0);
    return nthBit(runnable, u32At(c, k.strategy) % n);
  },
};

export class RandomStrategy implements Strategy {
  readonly name = 'random';
  readonly decider = 0;
  private i = 0;
  constructor(
    private readonly seed: number,
    private readonly iterations: number,
    private readonly varyOps: boolean,
  ) {}

  newExecution(c: Int32Array, k: CtlLayout): boolean {
    if (this.i >= this.iterations) return false;
    c[k.strategy] = mixSeed(this.seed, this.i, 1);
    c[H.OPRNG] = this.opSeed();
    this.i++;
    return true;
  }

  opSeed(): number {
    return this.varyOps ? mixSeed(this.seed, this.i, 2) : this.seed;
  }

  summary(): string {
    return `random (seed ${this.seed})`;
  }
}
