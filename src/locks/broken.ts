/**
 * Locks that are wrong on purpose, for negative controls only. Not in LOCK_KINDS: users
 * cannot select them; tests and seeded-bug machinery construct them directly.
 */
import { RacyLock } from './racy.ts';
import { QR_BIAS, QW_LOCKED, RwLock } from './rw.ts';

/**
 * `broken`: the racy check-then-store lock (racy.ts) with no pause between the check
 * and the store: two workers that both saw "free" both enter the critical section.
 * The tests use it to prove that the mutual-exclusion checker can fail.
 */
export class BrokenLock extends RacyLock {
  override readonly kind: string = 'broken';

  protected override pause(): void {}
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
