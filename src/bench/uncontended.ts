/**
 * Uncontended cost of one lock kind on one worker: acquire()+release() pairs (for
 * native, run() with an empty body: its only form), and run() with an empty body for
 * every kind (what model code pays through the seam). Each kind is measured in a fresh
 * worker so the JIT sees only that kind at these call sites (no megamorphic calls).
 */
import type { Lock } from '../locks/lock.ts';
import { nsPer } from '../shared/stats.ts';
import { floorNsPerPair } from './floor.ts';
import type { UncontendedResult } from './bench-task.ts';

function pairs(lock: Lock, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    lock.acquire();
    lock.release();
  }
  return nsPer(performance.now() - t0, n);
}

function scoped(lock: Lock, n: number, body: () => void): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) lock.run(body);
  return nsPer(performance.now() - t0, n);
}

/**
 * `floorAt`: a spare word on its own cache line. Each run first measures the engine
 * floor there, in the same worker, so that ratios to the floor compare figures taken
 * under the same vCPU placement (it drifts, by up to 2x, between phases of a run).
 */
export function measureUncontended(lock: Lock, n: number, runs: number, m: Int32Array, floorAt: number): UncontendedResult {
  const body = (): void => {};
  const split = lock.splittable;
  // warm-up: past the JIT's first tiers (~100k iterations), not recorded
  const warm = Math.max(200_000, n >> 1);
  if (split) pairs(lock, warm);
  scoped(lock, warm, body);
  floorNsPerPair(m, floorAt, warm);
  const r: UncontendedResult = { pairNs: [], runNs: [], floorNs: [] };
  for (let i = 0; i < runs; i++) {
    r.floorNs.push(floorNsPerPair(m, floorAt, n));
    const s = scoped(lock, n, body);
    r.runNs.push(s);
    r.pairNs.push(split ? pairs(lock, n) : s);
  }
  return r;
}
