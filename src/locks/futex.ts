/**
 * `futex`: the three-state mutex of Ulrich Drepper's "Futexes Are Tricky" (mutex3).
 * LOCK.STATE: 0 free, 1 locked, 2 locked and maybe waiters. Waiters sleep in
 * Atomics.wait (the futex_wait of JS) instead of spinning; release pays for an
 * Atomics.notify only when the state says someone may sleep (2).
 *
 *   lock:   c = cmpxchg(0 -> 1); if c != 0: { if c != 2: c = xchg(2);
 *                                             while c != 0: { wait(2); c = xchg(2) } }
 *   unlock: if xchg(0) == 2: wake(1)
 *
 * The unlock is mutex3's "atomic_dec, and if it was not 1 store 0 and wake" folded
 * into one exchange (as Rust's std futex mutex does): same states, same wakeups, and
 * V8 compiles Atomics.exchange to the same xchg as Atomics.store, so the uncontended
 * cost is the floor's: compareExchange + exchange. Every Atomics.wait is bounded by the time
 * left before the watchdog fires; each one counts as a spin in the statistics.
 * A waiter that times out leaves the state at 2, which only costs the next release
 * one unneeded notify.
 */
import { BaseLock } from './lock.ts';

export class FutexLock extends BaseLock {
  readonly kind: string = 'futex';
  /** waiters this handle's releases woke (Atomics.notify's count): tests read it */
  woken = 0;

  acquire(): void {
    const m = this.m;
    const s = this.s;
    let c = Atomics.compareExchange(m, s, 0, 1);
    if (c === 0) {
      m[this.own] = this.worker + 1; // diagnostic only: plain store
      this.fast();
      return;
    }
    this.beginWait();
    if (c !== 2) c = Atomics.exchange(m, s, 2);
    while (c !== 0) {
      this.spins++;
      const left = this.remainingMs();
      if (left <= 0) this.checkWatchdog();
      Atomics.wait(m, s, 2, left);
      c = Atomics.exchange(m, s, 2);
      // woken, spurious or timed out: if we did not get it, look at the clock
      if (c !== 0) this.checkWatchdog();
    }
    m[this.own] = this.worker + 1;
    this.endWait();
  }

  tryAcquire(): boolean {
    if (Atomics.compareExchange(this.m, this.s, 0, 1) !== 0) return false;
    this.m[this.own] = this.worker + 1;
    this.fast();
    return true;
  }

  release(): void {
    const m = this.m;
    const s = this.s;
    m[this.own] = 0;
    if (Atomics.exchange(m, s, 0) === 2) this.woken += Atomics.notify(m, s, 1);
  }
}
