/**
 * `ttas`: test-and-test-and-set with bounded exponential backoff. Waiters spin on a
 * plain load (Atomics.load: no cache-line ownership request) and only try the CAS
 * when the word looks free. The word holds the owner (worker id + 1).
 */
import { OwnerWordLock, cpuRelax } from './lock.ts';

export class TtasLock extends OwnerWordLock {
  readonly kind: string = 'ttas';

  acquire(): void {
    const m = this.m;
    const s = this.s;
    const me = this.worker + 1;
    if (Atomics.compareExchange(m, s, 0, me) === 0) {
      this.fast();
      return;
    }
    this.beginWait();
    let backoff = 1;
    for (;;) {
      while (Atomics.load(m, s) !== 0) this.spin();
      if (Atomics.compareExchange(m, s, 0, me) === 0) break;
      cpuRelax(backoff);
      if (backoff < this.opts.maxBackoff) backoff <<= 1;
      this.spin();
    }
    this.endWait();
  }

  tryAcquire(): boolean {
    if (Atomics.load(this.m, this.s) !== 0) return false;
    if (Atomics.compareExchange(this.m, this.s, 0, this.worker + 1) !== 0) return false;
    this.fast();
    return true;
  }
}
