/**
 * Lock workloads for the tests, run on real worker threads (lock-worker.ts). Each
 * takes one worker's lock handle and the task; all waits are bounded (syncMs).
 */
import { Layout, LOCK, LSTAT } from '../shared/layout.ts';
import { SpinBarrier } from '../shared/barrier.ts';
import { boundedWait } from '../shared/wait.ts';
import { DeadlockError, cpuRelax, type Lock } from '../locks/lock.ts';
import { FutexLock } from '../locks/futex.ts';
import { QW_WAITING } from '../locks/rw.ts';
import {
  SLOT,
  type CountTask,
  type EntryRaceTask,
  type HoldTask,
  type LockTaskResult,
  type RwFairTask,
  type RwReadTask,
  type RwShareTask,
  type RwWriteTask,
  type WaitTask,
} from './lock-task.ts';

export interface WorkloadEnv {
  m: Int32Array;
  layout: Layout;
  lock: Lock;
  /** first scratch word */
  sc: number;
  /** the lock record */
  lk: number;
}

function result(c: WorkloadEnv, worker: number, extra: Partial<LockTaskResult> = {}): LockTaskResult {
  const st = c.layout.lstat(c.lock.id, worker);
  const m = c.m;
  return {
    worker,
    acquired: Atomics.load(m, st + LSTAT.ACQUIRED),
    contended: Atomics.load(m, st + LSTAT.CONTENDED),
    spins: Atomics.load(m, st + LSTAT.SPINS),
    maxWaitUs: Atomics.load(m, st + LSTAT.MAX_WAIT_US),
    ...extra,
  };
}

function startBarrier(c: WorkloadEnv, parties: number): SpinBarrier {
  return new SpinBarrier(c.m, c.sc + SLOT.BAR_COUNT, c.sc + SLOT.BAR_GEN, parties);
}

/** Append this worker's id to the acquisition log (caller holds the lock). */
function logAcquisition(c: WorkloadEnv, worker: number): void {
  const m = c.m;
  const p = m[c.sc + SLOT.LOG_POS]!;
  if (p < SLOT.LOG_MAX) m[c.sc + SLOT.LOG + p] = worker;
  m[c.sc + SLOT.LOG_POS] = p + 1;
}

export function count(c: WorkloadEnv, t: CountTask): LockTaskResult {
  const m = c.m;
  const at = c.sc + SLOT.COUNT;
  const window = t.window;
  // Plain (non-atomic) read-modify-write: only the lock makes it exact.
  const body = (): void => {
    const x = m[at]!;
    if (window > 0) cpuRelax(window);
    m[at] = x + 1;
  };
  startBarrier(c, t.parties).arrive(t.syncMs);
  for (let i = 0; i < t.iterations; i++) c.lock.run(body);
  return result(c, t.worker);
}

export function entryRace(c: WorkloadEnv, t: EntryRaceTask): LockTaskResult {
  const m = c.m;
  const inside = c.sc + SLOT.INSIDE;
  const overlaps = c.sc + SLOT.OVERLAPS;
  const body = (): void => {
    if (Atomics.add(m, inside, 1) !== 0) Atomics.add(m, overlaps, 1);
    cpuRelax(32);
    Atomics.sub(m, inside, 1);
  };
  // a spinning start (a sleeping barrier wakes its parties microseconds apart), then a
  // different small delay per round, so the parties' offsets sweep across any window
  const ready = c.sc + SLOT.RACE_READY;
  const go = c.sc + SLOT.RACE_GO;
  const deadline = performance.now() + t.syncMs;
  let x = t.worker * 0x9e3779b9 + 1;
  const stop = c.sc + SLOT.RACE_STOP;
  const end = performance.now() + t.maxMs;
  for (let i = 0; i < t.rounds; i++) {
    Atomics.add(m, ready, 1);
    if (t.worker === 0) {
      const all = t.parties * (i + 1);
      boundedWait(m, ready, (v) => v >= all, { what: 'every party of the entry race', ms: t.syncMs, deadline, fault: 'entry race: a party never arrived' });
      if (performance.now() > end) Atomics.store(m, stop, 1);
      Atomics.store(m, go, i + 1);
    } else boundedWait(m, go, (v) => v > i, { what: `round ${i} of the entry race to open`, ms: t.syncMs, deadline, fault: 'entry race: the round never opened' });
    if (Atomics.load(m, stop) !== 0) break;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    // worker 0 opened the round, so it starts ahead by one cache-line handoff: it waits longer
    cpuRelax(t.worker === 0 ? x & 4095 : x & 1023);
    c.lock.run(body);
  }
  return result(c, t.worker);
}

export function hold(c: WorkloadEnv, t: HoldTask): LockTaskResult {
  const m = c.m;
  const me = t.worker + 1;
  if (t.forever) {
    if (c.lock.splittable) {
      c.lock.acquire();
      Atomics.store(m, c.sc + SLOT.HELD, me);
      return result(c, t.worker); // returns still holding it: a lost release
    }
    // Scoped-only kinds (native): park inside the critical section until told to go.
    c.lock.run(() => {
      Atomics.store(m, c.sc + SLOT.HELD, me);
      boundedWait(m, c.sc + SLOT.GO, (v) => v !== 0, { what: 'the word that lets the holder go', ms: t.syncMs, napMs: t.syncMs, giveUp: true });
    });
    return result(c, t.worker);
  }
  let stateSeen = 0;
  c.lock.run(() => {
    Atomics.store(m, c.sc + SLOT.HELD, me);
    const w = c.lk + LOCK.WAITER;
    if (t.until === 0) boundedWait(m, w, (v) => v !== 0, { what: 'a waiter', ms: t.syncMs });
    else boundedWait(m, w, (v) => v === t.until, { what: `worker ${t.until - 1} to queue`, ms: t.syncMs });
    // Hold busy (not asleep) so that a spinning waiter would spin all along.
    const end = performance.now() + t.holdMs;
    while (performance.now() < end) cpuRelax(64);
    stateSeen = Atomics.load(m, c.lk + LOCK.STATE);
  });
  const woken = c.lock instanceof FutexLock ? c.lock.woken : undefined;
  return result(c, t.worker, woken === undefined ? { stateSeen } : { stateSeen, woken });
}

export function wait(c: WorkloadEnv, t: WaitTask): LockTaskResult {
  const m = c.m;
  boundedWait(m, c.sc + SLOT.HELD, (v) => v !== 0, { what: 'the holder', ms: t.syncMs });
  if (t.after !== 0) boundedWait(m, c.lk + LOCK.WAITER, (v) => v === t.after, { what: `worker ${t.after - 1} to queue`, ms: t.syncMs });
  if (t.graceMs) {
    const end = performance.now() + t.graceMs;
    while (performance.now() < end) cpuRelax(64);
  }
  const t0 = performance.now();
  try {
    c.lock.run(() => {
      if (t.log) logAcquisition(c, t.worker);
    });
  } catch (e) {
    if (!(e instanceof DeadlockError)) throw e;
    const deadlock = { name: e.name, message: e.message, lock: e.lock, holder: e.holder, waiter: e.waiter, waitedMs: e.waitedMs };
    return result(c, t.worker, { deadlock, elapsedMs: performance.now() - t0 });
  }
  return result(c, t.worker, { elapsedMs: performance.now() - t0 });
}

/** reads the torn-read reader must have made while the writer was still writing */
const MIN_OVERLAPPING_READS = 1024;

export function rwWrite(c: WorkloadEnv, t: RwWriteTask): LockTaskResult {
  const m = c.m;
  const rec = c.sc + SLOT.RECORD;
  let v = 0;
  const body = (): void => {
    v++;
    for (let k = 0; k < SLOT.RECORD_WORDS; k++) {
      m[rec + k] = v;
      cpuRelax(4); // widen the window in which the record is half-written
    }
  };
  startBarrier(c, t.parties).arrive(t.syncMs);
  // the paused rounds (RwWriteTask): half a record, then wait for the reader's read
  const half = SLOT.RECORD_WORDS >> 1;
  for (let k = 1; k <= t.pauses; k++) {
    c.lock.run(() => {
      v++;
      for (let w = 0; w < half; w++) m[rec + w] = v;
      Atomics.store(m, c.sc + SLOT.HALF, k);
      Atomics.notify(m, c.sc + SLOT.HALF);
      // a reader held off by the lock never reads here: the bound is expected to pass then
      boundedWait(m, c.sc + SLOT.READ_AT, (r) => r >= k, { what: `the reader's read in paused round ${k}`, ms: t.pauseMs, napMs: t.pauseMs, giveUp: true });
      for (let w = half; w < SLOT.RECORD_WORDS; w++) m[rec + w] = v;
    });
  }
  // write at least `iterations` times, and on until the reader has read a while during
  // the writes (bounded): on a loaded machine it may be scheduled late
  const deadline = performance.now() + t.syncMs;
  for (let i = 0; i < t.iterations || (Atomics.load(m, c.sc + SLOT.READS) < MIN_OVERLAPPING_READS && performance.now() < deadline); i++) {
    c.lock.run(body);
    // a writer-fair lock would otherwise let a back-to-back writer starve the reader
    // for the whole run (0 reads, nothing checked); leave it a window between writes
    cpuRelax(64);
  }
  Atomics.store(m, c.sc + SLOT.DONE, 1);
  return result(c, t.worker);
}

export function rwRead(c: WorkloadEnv, t: RwReadTask): LockTaskResult {
  const m = c.m;
  const rec = c.sc + SLOT.RECORD;
  let reads = 0;
  let torn = 0;
  const check = (): void => {
    const v0 = m[rec]!;
    for (let k = 1; k < SLOT.RECORD_WORDS; k++) {
      if (m[rec + k] !== v0) {
        torn++;
        break;
      }
    }
    reads++;
  };
  startBarrier(c, t.parties).arrive(t.syncMs);
  for (let k = 1; k <= t.pauses; k++) {
    // the writer is inside its write section with half the record written (bounded)
    boundedWait(m, c.sc + SLOT.HALF, (h) => h >= k, { what: `the writer's half-written record in paused round ${k}`, ms: t.syncMs, napMs: t.syncMs });
    if (t.locked) c.lock.readRun(check);
    else check();
    Atomics.store(m, c.sc + SLOT.READ_AT, k);
    Atomics.notify(m, c.sc + SLOT.READ_AT);
  }
  const done = c.sc + SLOT.DONE;
  while (Atomics.load(m, done) === 0 && reads < t.maxReads) {
    if (t.locked) c.lock.readRun(check);
    else check();
    if ((reads & 255) === 0) Atomics.store(m, c.sc + SLOT.READS, reads);
  }
  return result(c, t.worker, { reads, torn });
}

export function rwShare(c: WorkloadEnv, t: RwShareTask): LockTaskResult {
  const inner = new SpinBarrier(c.m, c.sc + SLOT.INNER_COUNT, c.sc + SLOT.INNER_GEN, t.parties);
  startBarrier(c, t.parties).arrive(t.syncMs);
  let shared = true;
  c.lock.readRun(() => {
    shared = inner.tryArrive(t.innerMs); // only passable if every reader is inside at once
  });
  return result(c, t.worker, { shared });
}

/**
 * Writer fairness: a reader holds the lock; a writer queues; a late reader arrives
 * after the writer announced itself (_QW_WAITING). The late reader must wait for the
 * writer, although readers could share with the first one.
 */
export function rwFair(c: WorkloadEnv, t: RwFairTask): LockTaskResult {
  const m = c.m;
  const sc = c.sc;
  const lock = c.lock;
  switch (t.role) {
    case 'first-reader': {
      lock.readAcquire();
      Atomics.store(m, sc + SLOT.HELD, t.worker + 1);
      // Hold until the late reader is provably queued, or got in (the bug).
      boundedWait(m, c.lk + LOCK.WAITER, (v) => v === t.lateReaderId + 1 || Atomics.load(m, sc + SLOT.GOT) !== 0, { what: 'the late reader to queue', ms: t.syncMs });
      const gotEarly = Atomics.load(m, sc + SLOT.GOT) !== 0;
      lock.readRelease();
      return result(c, t.worker, { gotEarly });
    }
    case 'writer': {
      boundedWait(m, sc + SLOT.HELD, (v) => v !== 0, { what: 'the first reader', ms: t.syncMs });
      lock.run(() => logAcquisition(c, t.worker));
      return result(c, t.worker);
    }
    case 'late-reader': {
      boundedWait(m, c.lk + LOCK.STATE, (v) => (v & QW_WAITING) !== 0, { what: 'the writer to queue', ms: t.syncMs });
      lock.readRun(() => {
        logAcquisition(c, t.worker);
        Atomics.store(m, sc + SLOT.GOT, 1);
      });
      return result(c, t.worker);
    }
  }
}
