/**
 * The `racy-siglock` seeded bug's lock: a TTAS whose acquire checks the word, then
 * writes its id without a CAS — with a short pause between the two, the width of a
 * cache miss or a preemption, so two workers that both saw "free" both get in
 * quickly enough for the checkers to see the damage. Not selectable as a kind.
 */
import { OwnerWordLock, cpuRelax } from './lock.ts';

export class RacyLock extends OwnerWordLock {
  readonly kind: string = 'racy';
  /** xorshift state: nonzero, and different per worker so the pauses differ */
  private spinsSeed = this.worker + 1;

  /** The window between the check and the write. */
  protected pause(): void {
    // xorshift: 0..255 busy iterations (≈ 0–250 ns)
    let x = this.spinsSeed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.spinsSeed = x;
    cpuRelax(x & 255);
  }

  acquire(): void {
    const m = this.m;
    const s = this.s;
    if (Atomics.load(m, s) !== 0) {
      this.beginWait();
      while (Atomics.load(m, s) !== 0) this.spin();
      this.endWait();
    } else this.fast();
    this.pause(); // the window between the check and the write
    Atomics.store(m, s, this.worker + 1); // BUG (seeded): no CAS
  }

  tryAcquire(): boolean {
    if (Atomics.load(this.m, this.s) !== 0) return false;
    this.pause();
    Atomics.store(this.m, this.s, this.worker + 1);
    this.fast();
    return true;
  }
}
