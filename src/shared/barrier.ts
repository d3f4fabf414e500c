/**
 * Bounded spin synchronisation on words of the shared buffer: wait for a word to
 * reach a value, and a reusable (generation-counting) barrier that starts workers
 * together without sleeps. Every wait is bounded by a deadline and throws
 * a `LabFault` (./lab-fault.ts) past it: a lost party must fail a test, not hang it.
 *
 * They spin (Atomics.load) rather than Atomics.wait: the point is to release all
 * parties at the same instant, and waking a sleeper costs ≈ 10 µs here.
 */

import { LabFault } from './lab-fault.ts';

/** Looks at the clock once per this many spins (performance.now is ≈ 30 ns). */
const CLOCK_EVERY = 1024;

/** Spin until `m[i] === v`; throws a LabFault after `timeoutMs`. */
export function waitFor(m: Int32Array, i: number, v: number, timeoutMs: number, what = `word ${i} == ${v}`): void {
  waitUntil(m, i, (x) => x === v, timeoutMs, what);
}

/** Spin until `pred(m[i])`; returns the value seen. Throws a LabFault after `timeoutMs`. */
export function waitUntil(m: Int32Array, i: number, pred: (v: number) => boolean, timeoutMs: number, what = `word ${i}`): number {
  let v = Atomics.load(m, i);
  if (pred(v)) return v;
  const deadline = performance.now() + timeoutMs;
  for (let n = 1; ; n++) {
    v = Atomics.load(m, i);
    if (pred(v)) return v;
    if (n % CLOCK_EVERY === 0 && performance.now() > deadline) throw new LabFault(`timed out after ${timeoutMs} ms waiting for ${what}`, { waitedFor: what, boundMs: timeoutMs });
  }
}

/**
 * A barrier for `parties` workers over two words (arrival count, generation).
 * Reusable: the last arrival resets the count and bumps the generation.
 */
export class SpinBarrier {
  constructor(
    private readonly m: Int32Array,
    private readonly countIndex: number,
    private readonly genIndex: number,
    private readonly parties: number,
  ) {}

  arrive(timeoutMs: number): void {
    const m = this.m;
    const gen = Atomics.load(m, this.genIndex);
    if (Atomics.add(m, this.countIndex, 1) === this.parties - 1) {
      Atomics.store(m, this.countIndex, 0);
      Atomics.add(m, this.genIndex, 1);
      return;
    }
    waitUntil(m, this.genIndex, (g) => g !== gen, timeoutMs, `barrier of ${this.parties} (word ${this.countIndex})`);
  }
}
