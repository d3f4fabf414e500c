/**
 * `rw`: a writer-fair reader-writer spinlock modelled on Linux's qrwlock
 * (kernel/locking/qrwlock.c), the lock behind tasklist_lock.
 *
 * LOCK.STATE is `cnts`:  bits 0-7   _QW_LOCKED  (0xff: a writer holds it)
 *                        bit  8     _QW_WAITING (a writer is queued)
 *                        bits 9-31  reader count, in units of _QR_BIAS
 * LOCK.AUX is the wait lock: a small bounded spinlock (worker id + 1) that queues the
 * slow paths of readers and writers, so a waiting writer is not starved by a stream
 * of readers: once it has set _QW_WAITING, new readers fall into the slow path and
 * line up behind it on the wait lock.
 * LOCK.OWNER is the writer's worker id + 1 while write-held (plain store: diagnostic).
 *
 * Uncontended cost: write = compareExchange + sub; read = add + sub.
 * Watchdog: every loop is bounded; a waiter that times out withdraws what it
 * published (its reader bias or the _QW_WAITING bit) and frees the wait lock, so the
 * lock itself stays usable.
 */
import { LOCK } from '../shared/layout.ts';
import { BaseLock } from './lock.ts';

export const QW_LOCKED = 0xff;
export const QW_WAITING = 0x100;
const QW_WMASK = 0x1ff;
export const QR_BIAS = 0x200;

export class RwLock extends BaseLock {
  readonly kind: string = 'rw';

  // ---- exclusive (writer) ----

  acquire(): void {
    const m = this.m;
    const s = this.s;
    if (Atomics.compareExchange(m, s, 0, QW_LOCKED) === 0) {
      m[this.own] = this.worker + 1; // diagnostic only: plain store
      this.fast();
      return;
    }
    this.beginWait();
    this.lockWaitQueue();
    // First in line: take it if it is free, else announce ourselves so that new
    // readers back off, then wait for the current readers/writer to drain.
    if (!(Atomics.load(m, s) === 0 && Atomics.compareExchange(m, s, 0, QW_LOCKED) === 0)) {
      Atomics.or(m, s, QW_WAITING);
      try {
        for (;;) {
          while (Atomics.load(m, s) !== QW_WAITING) this.spin();
          if (Atomics.compareExchange(m, s, QW_WAITING, QW_LOCKED) === QW_WAITING) break;
          this.spin();
        }
      } catch (e) {
        Atomics.and(m, s, ~QW_WAITING);
        this.unlockWaitQueue();
        throw e;
      }
    }
    this.unlockWaitQueue();
    m[this.own] = this.worker + 1;
    this.endWait();
  }

  tryAcquire(): boolean {
    const m = this.m;
    if (Atomics.load(m, this.s) !== 0 || Atomics.compareExchange(m, this.s, 0, QW_LOCKED) !== 0) return false;
    m[this.own] = this.worker + 1;
    this.fast();
    return true;
  }

  release(): void {
    this.m[this.own] = 0;
    // Not a plain store of 0: readers may be adding/removing their bias concurrently.
    Atomics.sub(this.m, this.s, QW_LOCKED);
  }

  // ---- shared (reader) ----

  override readAcquire(): void {
    const m = this.m;
    const s = this.s;
    const cnts = (Atomics.add(m, s, QR_BIAS) + QR_BIAS) | 0;
    if ((cnts & QW_WMASK) === 0) {
      this.fast();
      return;
    }
    // A writer holds or waits: take our bias back and queue behind it.
    Atomics.sub(m, s, QR_BIAS);
    this.beginWait();
    this.lockWaitQueue();
    Atomics.add(m, s, QR_BIAS);
    try {
      while ((Atomics.load(m, s) & QW_LOCKED) !== 0) this.spin();
    } catch (e) {
      Atomics.sub(m, s, QR_BIAS);
      this.unlockWaitQueue();
      throw e;
    }
    this.unlockWaitQueue();
    this.endWait();
  }

  override readRelease(): void {
    Atomics.sub(this.m, this.s, QR_BIAS);
  }

  // ---- the wait queue (a bounded test-and-test-and-set lock in LOCK.AUX) ----

  private lockWaitQueue(): void {
    const m = this.m;
    const a = this.s + LOCK.AUX;
    const me = this.worker + 1;
    for (;;) {
      while (Atomics.load(m, a) !== 0) this.spin();
      if (Atomics.compareExchange(m, a, 0, me) === 0) return;
      this.spin();
    }
  }

  private unlockWaitQueue(): void {
    Atomics.store(this.m, this.s + LOCK.AUX, 0);
  }
}
