/**
 * `ticket`: FIFO ticket lock. LOCK.STATE is the next ticket to hand out
 * (Atomics.add), LOCK.AUX the ticket now being served. The holder remembers its
 * ticket, so release is a single Atomics.store(serving, t + 1): no read-modify-write
 * on the release path, and waiters are served strictly in the order they took
 * tickets (arrival order, since the fetch-and-add is the arrival).
 *
 * Uncontended cost: add + load + store. The load of `serving` must be an Atomics.load:
 * it is what synchronises with the previous holder's release store.
 *
 * Watchdog: a waiter that times out tries to hand its ticket back (CAS next t+1 -> t,
 * possible only while nobody queued behind it). When someone did queue behind, the
 * lock is left poisoned: DeadlockError is fatal to the run anyway.
 */
import { LOCK, type Layout } from '../shared/layout.ts';
import { BaseLock, DeadlockError, type LockOptions } from './lock.ts';

export class TicketLock extends BaseLock {
  readonly kind: string = 'ticket';
  /** the ticket this handle holds (valid between acquire and release) */
  private ticket = 0;
  /** index of LOCK.AUX ("now serving"), computed once (see BaseLock.own) */
  private readonly serving: number;

  constructor(m: Int32Array, layout: Layout, id: number, worker: number, opts: LockOptions) {
    super(m, layout, id, worker, opts);
    this.serving = this.s + LOCK.AUX;
  }

  acquire(): void {
    const m = this.m;
    const s = this.s;
    const t = Atomics.add(m, s, 1);
    this.ticket = t;
    if (Atomics.load(m, this.serving) === t) {
      m[this.own] = this.worker + 1; // diagnostic only: plain store
      this.fast();
      return;
    }
    this.beginWait();
    try {
      while (Atomics.load(m, this.serving) !== t) this.spin();
    } catch (e) {
      if (e instanceof DeadlockError) Atomics.compareExchange(m, s, (t + 1) | 0, t);
      throw e;
    }
    m[this.own] = this.worker + 1;
    this.endWait();
  }

  tryAcquire(): boolean {
    const m = this.m;
    const s = this.s;
    // Take a ticket only when it would be served at once: next === serving.
    const serving = Atomics.load(m, this.serving);
    if (Atomics.compareExchange(m, s, serving, (serving + 1) | 0) !== serving) return false;
    this.ticket = serving;
    m[this.own] = this.worker + 1;
    this.fast();
    return true;
  }

  release(): void {
    this.m[this.own] = 0;
    Atomics.store(this.m, this.serving, (this.ticket + 1) | 0);
  }
}
