/**
 * Contended throughput: `parties` workers (2 here, one per core) acquire and release
 * the lock as fast as they can with a tiny critical section (one plain increment of a
 * shared word), for `ms` per run. Worker 0 keeps time and raises STOP (the others give
 * up, with an error, if it never comes); barriers start
 * every run together and fence the reset of STOP between runs.
 */
import type { Lock } from '../locks/lock.ts';
import { SpinBarrier } from '../shared/barrier.ts';
import { LabFault } from '../shared/lab-fault.ts';
import { BSLOT, type ContendedRun } from './bench-task.ts';
import { pingPongRun } from './pingpong.ts';

/** Look at STOP (and at the clock) once per this many acquisitions. */
const CHECK_EVERY = 64;
/** A follower that sees no STOP this long after the run's end gives up: the leader is gone. */
const FOLLOWER_GRACE_MS = 5000;

/**
 * The periodic check of both loops: true when the run is over. The leader ends the
 * run at `end`; a follower waits for its STOP, bounded by a grace period.
 */
function runOver(m: Int32Array, stop: number, leader: boolean, end: number): boolean {
  if (Atomics.load(m, stop) !== 0) return true;
  const now = performance.now();
  if (leader && now > end) {
    Atomics.store(m, stop, 1);
    return true;
  }
  if (!leader && now > end + FOLLOWER_GRACE_MS) throw new LabFault(`contended run: no STOP from worker 0 ${FOLLOWER_GRACE_MS} ms after the end`);
  return false;
}

function split(lock: Lock, m: Int32Array, sc: number, leader: boolean, ms: number): number {
  const data = sc + BSLOT.DATA;
  const stop = sc + BSLOT.STOP;
  const end = performance.now() + ms;
  let n = 0;
  for (;;) {
    lock.acquire();
    m[data] = m[data]! + 1;
    lock.release();
    if (++n % CHECK_EVERY === 0 && runOver(m, stop, leader, end)) return n;
  }
}

function scoped(lock: Lock, m: Int32Array, sc: number, leader: boolean, ms: number): number {
  const data = sc + BSLOT.DATA;
  const stop = sc + BSLOT.STOP;
  const body = (): void => {
    m[data] = m[data]! + 1;
  };
  const end = performance.now() + ms;
  let n = 0;
  for (;;) {
    lock.run(body);
    if (++n % CHECK_EVERY === 0 && runOver(m, stop, leader, end)) return n;
  }
}

export function measureContended(
  lock: Lock,
  m: Int32Array,
  sc: number,
  worker: number,
  parties: number,
  ms: number,
  runs: number,
  trips: number,
  syncMs: number,
): ContendedRun[] {
  const bar = new SpinBarrier(m, sc + BSLOT.BAR_COUNT, sc + BSLOT.BAR_GEN, parties);
  const leader = worker === 0;
  const out: ContendedRun[] = [];
  let pingBase = 0;
  for (let r = -1; r < runs; r++) {
    // run -1 is the warm-up. The ping-pong needs exactly two parties (workers 0 and 1).
    bar.arrive(syncMs);
    let pingNs = NaN;
    if (parties === 2) {
      pingNs = pingPongRun(m, sc + BSLOT.PING, leader ? 0 : 1, pingBase, trips, syncMs);
      pingBase += 2 * trips;
      bar.arrive(syncMs);
    }
    const t0 = performance.now();
    const n = lock.splittable ? split(lock, m, sc, leader, r < 0 ? ms / 2 : ms) : scoped(lock, m, sc, leader, r < 0 ? ms / 2 : ms);
    const elapsedMs = performance.now() - t0;
    bar.arrive(syncMs);
    if (leader) Atomics.store(m, sc + BSLOT.STOP, 0); // before the next start barrier
    if (r >= 0) out.push({ acquisitions: n, elapsedMs, pingNs });
  }
  return out;
}
