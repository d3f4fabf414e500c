/**
 * `adaptive`: the futex mutex (futex.ts) with the kernel mutex's optimistic spinning.
 * A contended acquire first spins — test, then compare-exchange — for a bounded
 * budget (a few of the model's critical sections: SPIN_BUDGET looks at the word, each with
 * a short pause), as mutex_optimistic_spin() does while the owner runs on another CPU;
 * only then does it sleep in Atomics.wait like mutex3. Waking a sleeper costs 8–10 µs
 * here, a critical section of the model about 1 µs: sleeping on every contended
 * acquire (plain futex) spends most of the wait on the wake itself.
 * The spin is bounded (and counted), so the watchdog contract is the futex's.
 */
import { FutexLock } from './futex.ts';
import { cpuRelax } from './lock.ts';

/** looks at the lock word before sleeping: ≈ 40 µs, a few TSYNC critical sections (measured: 64 looks left
 *  cred_guard_mutex waiters sleeping ~30 % of a worker's time; 1024 gave +15–25 % TSYNC/s on the kernel-race mix) */
const SPIN_BUDGET = 1024;
/** busy iterations between two looks (≈ 30–60 ns) */
const PAUSE = 16;

export class AdaptiveLock extends FutexLock {
  override readonly kind: string = 'adaptive';

  override acquire(): void {
    const m = this.m;
    const s = this.s;
    if (Atomics.compareExchange(m, s, 0, 1) === 0) {
      m[this.own] = this.worker + 1; // diagnostic only: plain store
      this.fast();
      return;
    }
    // optimistic spin: the holder is probably running and about to release
    for (let i = 0; i < SPIN_BUDGET; i++) {
      cpuRelax(PAUSE);
      if (Atomics.load(m, s) === 0 && Atomics.compareExchange(m, s, 0, 1) === 0) {
        m[this.own] = this.worker + 1;
        this.beginWait(false);
        this.spins = i + 1;
        this.endWait();
        return;
      }
    }
    super.acquire(); // sleep as mutex3 does
  }
}
