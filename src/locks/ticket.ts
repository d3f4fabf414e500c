/**
 * `ticket`: FIFO ticket lock in ONE word: the high 16 bits are the next ticket to
 * hand out, the low 16 bits the ticket now being served.
 *
 *   acquire: old = Atomics.add(word, 1 << 16); my ticket = old >>> 16; if it equals
 *            old & 0xffff the lock was free and is ours — one atomic, no extra load.
 *   release: serving + 1 (mod 2^16) with one Atomics.add: +1, or -0xffff when serving
 *            is 0xffff, so the increment never carries into the next-ticket half.
 *
 * So the uncontended cost is two atomics, the engine's floor; and under contention
 * every handoff moves one cache line (next and serving no longer sit in two words
 * that each bounce). Up to 65535 waiters; the next-ticket half wraps with the int32.
 * Waiters are served strictly in the order of their fetch-and-add (arrival order).
 *
 * Watchdog: a waiter that times out tries to hand its ticket back (CAS the word back
 * one ticket, possible only while nobody queued behind it). When someone did queue
 * behind, the lock is left poisoned: DeadlockError is fatal to the run anyway.
 */
import { BaseLock, DeadlockError } from './lock.ts';

const NEXT_ONE = 1 << 16;

export class TicketLock extends BaseLock {
  readonly kind: string = 'ticket';
  /** the ticket this handle holds (valid between acquire and release) */
  private ticket = 0;

  acquire(): void {
    const m = this.m;
    const s = this.s;
    const old = Atomics.add(m, s, NEXT_ONE);
    const t = (old >>> 16) & 0xffff;
    this.ticket = t;
    if ((old & 0xffff) === t) {
      m[this.own] = this.worker + 1; // diagnostic only: plain store
      this.fast();
      return;
    }
    this.beginWait();
    try {
      while ((Atomics.load(m, s) & 0xffff) !== t) this.spin();
    } catch (e) {
      if (e instanceof DeadlockError) {
        const now = Atomics.load(m, s);
        // give the ticket back if we are still the last in line
        if (((now >>> 16) & 0xffff) === ((t + 1) & 0xffff)) Atomics.compareExchange(m, s, now, (now - NEXT_ONE) | 0);
      }
      throw e;
    }
    m[this.own] = this.worker + 1;
    this.endWait();
  }

  tryAcquire(): boolean {
    const m = this.m;
    const s = this.s;
    // take a ticket only when it would be served at once: next === serving
    const w = Atomics.load(m, s);
    if (((w >>> 16) & 0xffff) !== (w & 0xffff)) return false;
    if (Atomics.compareExchange(m, s, w, (w + NEXT_ONE) | 0) !== w) return false;
    this.ticket = w & 0xffff;
    m[this.own] = this.worker + 1;
    this.fast();
    return true;
  }

  release(): void {
    this.m[this.own] = 0;
    Atomics.add(this.m, this.s, this.ticket === 0xffff ? -0xffff : 1);
  }
}
