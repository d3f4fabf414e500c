/**
 * `broken`: a deliberately wrong TTAS lock for the negative control only. It checks
 * that the word is free and then *stores* its id instead of compareExchange-ing it,
 * so two workers that both saw "free" both enter the critical section. The tests use
 * it to prove that the mutual-exclusion checker can fail. Not in LOCK_KINDS: users
 * cannot select it; tests and seeded-bug machinery construct it directly.
 */
import { OwnerWordLock } from './lock.ts';
import { QR_BIAS, QW_LOCKED, RwLock } from './rw.ts';

export class BrokenLock extends OwnerWordLock {
  readonly kind: string = 'broken';

  acquire(): void {
    const m = this.m;
    const s = this.s;
    if (Atomics.load(m, s) === 0) {
      Atomics.store(m, s, this.worker + 1); // BUG (on purpose): check-then-act without CAS
      this.fast();
      return;
    }
    this.beginWait();
    while (Atomics.load(m, s) !== 0) this.spin();
    Atomics.store(m, s, this.worker + 1); // BUG (on purpose)
    this.endWait();
  }

  tryAcquire(): boolean {
    if (Atomics.load(this.m, this.s) !== 0) return false;
    Atomics.store(this.m, this.s, this.worker + 1);
    this.fast();
    return true;
  }
}

/**
 * `unfair-rw`: the rw lock with a reader fast path that ignores _QW_WAITING (only a
 * writer *holding* the lock sends a reader to the slow path), so a stream of readers
 * can overtake a queued writer. The writer-fairness test's negative control.
 */
export class UnfairRwLock extends RwLock {
  override readonly kind: string = 'unfair-rw';

  override readAcquire(): void {
    const m = this.m;
    const s = this.s;
    const cnts = (Atomics.add(m, s, QR_BIAS) + QR_BIAS) | 0;
    if ((cnts & QW_LOCKED) === 0) {
      this.fast(); // BUG (on purpose): a waiting writer does not hold new readers back
      return;
    }
    Atomics.sub(m, s, QR_BIAS);
    super.readAcquire();
  }
}
