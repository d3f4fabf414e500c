/**
 * `tas`: test-and-set spinlock. The lock word holds the owner (worker id + 1), so
 * an uncontended acquire+release is exactly one compareExchange and one store.
 */
import { OwnerWordLock } from './lock.ts';

export class TasLock extends OwnerWordLock {
  readonly kind: string = 'tas';

  acquire(): void {
    if (Atomics.compareExchange(this.m, this.s, 0, this.worker + 1) === 0) {
      this.fast();
      return;
    }
    this.beginWait();
    while (Atomics.compareExchange(this.m, this.s, 0, this.worker + 1) !== 0) this.spin();
    this.endWait();
  }

  tryAcquire(): boolean {
    if (Atomics.compareExchange(this.m, this.s, 0, this.worker + 1) !== 0) return false;
    this.fast();
    return true;
  }
}
