/**
 * `mcs`: Mellor-Crummey & Scott queue lock. Each (lock, worker) pair owns one queue
 * node in shared memory (layout.qnode); LOCK.STATE is the queue tail as worker id + 1
 * (0 = free). A waiter spins only on its own node's LOCKED word, so under contention
 * every handoff moves exactly one cache line from the releaser to the next waiter.
 *
 * Uncontended cost: exchange on acquire + compareExchange on release (the release
 * tries "I am still the tail -> free" first and only reads NEXT when that fails).
 *
 * Watchdog: a waiter that times out cannot unlink itself from the middle of the queue
 * (MCS has no cancellation), so the lock is poisoned after a DeadlockError; the run is
 * over at that point anyway. The bounded wait for a successor to link itself in the
 * release path is bounded too.
 */
import { QNODE, type Layout } from '../shared/layout.ts';
import { BaseLock, type LockOptions } from './lock.ts';

export class McsLock extends BaseLock {
  readonly kind: string = 'mcs';
  /** indices of this worker's queue node fields, computed once (see BaseLock.own) */
  private readonly qNext: number;
  private readonly qLocked: number;

  constructor(m: Int32Array, layout: Layout, id: number, worker: number, opts: LockOptions) {
    super(m, layout, id, worker, opts);
    const q = layout.qnode(id, worker);
    this.qNext = q + QNODE.NEXT;
    this.qLocked = q + QNODE.LOCKED;
  }

  acquire(): void {
    const m = this.m;
    const me = this.worker + 1;
    // Initialise the node before publishing it: the exchange below orders these
    // plain stores before any successor's or predecessor's access to the node.
    m[this.qNext] = 0;
    m[this.qLocked] = 1;
    const pred = Atomics.exchange(m, this.s, me);
    if (pred === 0) {
      m[this.own] = me; // diagnostic only: plain store
      this.fast();
      return;
    }
    this.beginWait();
    Atomics.store(m, this.layout.qnode(this.id, pred - 1) + QNODE.NEXT, me);
    while (Atomics.load(m, this.qLocked) !== 0) this.spin();
    m[this.own] = me;
    this.endWait();
  }

  tryAcquire(): boolean {
    const m = this.m;
    const me = this.worker + 1;
    m[this.qNext] = 0;
    m[this.qLocked] = 1;
    if (Atomics.compareExchange(m, this.s, 0, me) !== 0) return false;
    m[this.own] = me;
    this.fast();
    return true;
  }

  release(): void {
    const m = this.m;
    const me = this.worker + 1;
    m[this.own] = 0;
    // Common case: nobody queued behind us; swing the tail back to free.
    if (Atomics.compareExchange(m, this.s, me, 0) === me) return;
    // Someone swapped itself in as tail but may not have linked into our NEXT yet.
    let next = Atomics.load(m, this.qNext);
    if (next === 0) {
      // Still ours until the hand-over (nobody else can take it: the tail is not 0),
      // so a DeadlockError from this wait names us as the holder.
      m[this.own] = me;
      // Bounded like any wait, but not a wait *for the lock*: no WAITER announcement.
      this.beginWait(false);
      while ((next = Atomics.load(m, this.qNext)) === 0) this.spin();
      m[this.own] = 0;
    }
    Atomics.store(m, this.layout.qnode(this.id, next - 1) + QNODE.LOCKED, 0);
  }
}
