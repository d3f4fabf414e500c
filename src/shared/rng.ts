/**
 * A small seeded PRNG (mulberry32): every random choice of a run derives from the
 * run's seed, so op sequences are reproducible per worker (interleavings are not:
 * real threads decide those).
 */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  /** uniform in [0, 2^32) */
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** uniform in [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }
  /** uniform integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** Derive a worker's seed from the run's seed. */
export function workerSeed(seed: number, worker: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) + Math.imul(worker + 1, 0x9e3779b9)) >>> 0;
}

export function randomSeed(): number {
  return (Math.random() * 0x7fffffff) >>> 0;
}
