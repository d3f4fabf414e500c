/**
 * `broken`: a deliberately wrong TTAS lock for the negative control only. It checks
 * that the word is free and then *stores* its id instead of compareExchange-ing it,
 * so two workers that both saw "free" both enter the critical section. The tests use
 * it to prove that the mutual-exclusion checker can fail. Not in LOCK_KINDS: users
 * cannot select it; tests and seeded-bug machinery construct it directly.
 */
import { OwnerWordLock } from './lock.ts';

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
