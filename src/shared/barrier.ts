/**
 * A reusable (generation-counting) barrier over two words of a shared buffer, that
 * starts workers together without sleeps. Its wait is a bounded wait (./wait.ts): a
 * party that never comes is a LabFault past the bound, not a hang.
 *
 * It spins (Atomics.load) rather than Atomics.wait: the point is to release all
 * parties at the same instant, and waking a sleeper costs ≈ 10 µs here.
 */
import { boundedWait } from './wait.ts';

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

  /** Arrive and wait for the others; a LabFault after `timeoutMs`. */
  arrive(timeoutMs: number): void {
    this.wait(timeoutMs, false);
  }

  /** Arrive and wait for the others; false after `timeoutMs` (the others may never come: the caller's answer, not a fault). */
  tryArrive(timeoutMs: number): boolean {
    return this.wait(timeoutMs, true);
  }

  private wait(timeoutMs: number, giveUp: boolean): boolean {
    const m = this.m;
    const gen = Atomics.load(m, this.genIndex);
    if (Atomics.add(m, this.countIndex, 1) === this.parties - 1) {
      Atomics.store(m, this.countIndex, 0);
      Atomics.add(m, this.genIndex, 1);
      return true;
    }
    return boundedWait(m, this.genIndex, (g) => g !== gen, { what: `barrier of ${this.parties} (word ${this.countIndex})`, ms: timeoutMs, giveUp });
  }
}
