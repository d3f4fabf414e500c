/**
 * Noise injection: at each seam point, with probability p, a tiny random busy
 * delay (up to ~2 µs). It widens race windows so bugs surface sooner, without
 * changing what any operation does. A Hook for the seam.
 */
import type { Hook } from '../shared/seam.ts';
import { cpuRelax } from '../locks/lock.ts';
import { Rng } from '../shared/rng.ts';

export class NoiseHook implements Hook {
  private readonly threshold: number;
  constructor(
    p: number,
    private readonly rng: Rng,
    private readonly maxSpins = 400,
  ) {
    this.threshold = Math.floor(Math.max(0, Math.min(1, p)) * 4294967296);
  }
  point(): void {
    if (this.rng.u32() < this.threshold) cpuRelax(1 + this.rng.int(this.maxSpins));
  }
  acquired(): void {}
  releasing(): void {}
}
