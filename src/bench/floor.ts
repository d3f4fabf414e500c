/**
 * The engine floor: what the cheapest possible lock costs in this engine, one
 * Atomics.compareExchange (acquire) plus one Atomics.store (release) on a word of the
 * shared buffer. V8 calls these rather than inlining them (≈ 15–20 ns each here,
 * where C pays ≈ 3), so this, not the hardware, bounds every lab lock.
 */
import { nsPer } from '../shared/stats.ts';

export function floorNsPerPair(m: Int32Array, at: number, pairs: number): number {
  const t0 = performance.now();
  for (let i = 0; i < pairs; i++) {
    Atomics.compareExchange(m, at, 0, 1);
    Atomics.store(m, at, 0);
  }
  return nsPer(performance.now() - t0, pairs);
}
