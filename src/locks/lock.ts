/**
 * The lock interface every kind implements, the watchdog error, and the shared
 * plumbing (owner words, per-worker statistics, bounded waiting).
 *
 * A `Lock` object is one worker's handle on one lock record of the shared buffer
 * (see LOCK in src/shared/layout.ts). All workers construct their own handle on the
 * same record. Exclusive kinds treat `readAcquire` as `acquire`.
 *
 * Scoped use (`run`) is the one form every kind supports, including `native`
 * (V8's Atomics.Mutex only offers `lock(m, fn)`); model code locks through it.
 */
import { LOCK, LSTAT, type Layout } from '../shared/layout.ts';
import type { SeamLock } from '../shared/seam.ts';

/** (Every lock is a `SeamLock`: what the model's seam calls.) */
export interface Lock extends SeamLock {
  readonly kind: string;
  readonly id: number;
  /** false for kinds that can only be used scoped (native) */
  readonly splittable: boolean;
  acquire(): void;
  release(): void;
  tryAcquire(): boolean;
  readAcquire(): void;
  readRelease(): void;
  /** acquire, run fn, release (also when fn throws); returns fn's value */
  run<T>(fn: () => T): T;
  readRun<T>(fn: () => T): T;
  /** worker id holding the lock for write, or -1 (best effort, for reports) */
  holder(): number;
}

/** Thrown by a waiter that spun or slept past the watchdog bound. Never a hang. */
export class DeadlockError extends Error {
  override readonly name = 'DeadlockError';
  constructor(
    readonly lock: string,
    readonly holder: number,
    readonly waiter: number,
    readonly waitedMs: number,
  ) {
    super(
      `deadlock: ${lock} held by ${holder >= 0 ? `worker ${holder}` : 'an unknown holder'} ` +
        `for longer than ${Math.round(waitedMs)} ms; waiter worker ${waiter}`,
    );
  }
}

export interface LockOptions {
  /** watchdog bound: longest wait before DeadlockError, ms */
  watchdogMs: number;
  /** MCS/ttas backoff ceiling, spin iterations */
  maxBackoff: number;
}

export const DEFAULT_LOCK_OPTIONS: LockOptions = { watchdogMs: 2000, maxBackoff: 1024 };

/** Spins between looks at the clock while waiting. */
const CLOCK_EVERY = 256;

/**
 * Common state of a lock handle: where its words are, who we are, statistics.
 * Kinds extend it and implement acquire/release/tryAcquire.
 */
export abstract class BaseLock implements Lock {
  abstract readonly kind: string;
  readonly splittable: boolean = true;
  protected readonly s: number; // index of LOCK.STATE
  protected readonly st: number; // index of this worker's LSTAT record
  // Word indices computed once: in hot paths an imported constant (LOCK.OWNER) is a
  // module-binding load per use, which measurably costs on a ~15 ns fast path.
  protected readonly own: number; // LOCK.OWNER
  private readonly acquiredAt: number; // this worker's LSTAT.ACQUIRED
  protected waitStart = 0;
  protected spins = 0;

  constructor(
    protected readonly m: Int32Array,
    protected readonly layout: Layout,
    readonly id: number,
    protected readonly worker: number,
    protected readonly opts: LockOptions,
  ) {
    this.s = layout.lock(id);
    this.st = layout.lstat(id, worker);
    this.own = this.s + LOCK.OWNER;
    this.acquiredAt = this.st + LSTAT.ACQUIRED;
  }

  abstract acquire(): void;
  abstract release(): void;
  abstract tryAcquire(): boolean;

  readAcquire(): void {
    this.acquire();
  }
  readRelease(): void {
    this.release();
  }

  run<T>(fn: () => T): T {
    return runSplit(this, true, fn);
  }
  readRun<T>(fn: () => T): T {
    return runSplit(this, false, fn);
  }

  holder(): number {
    return Atomics.load(this.m, this.s + LOCK.OWNER) - 1;
  }

  /** Count an uncontended acquisition (plain access: only this worker writes its stats). */
  protected fast(): void {
    this.m[this.acquiredAt]!++;
  }

  /**
   * Enter a bounded wait: remember when, and (`announce`, a wait for the lock) announce
   * us as a waiter.
   */
  protected beginWait(announce = true): void {
    this.spins = 0;
    this.waitStart = performance.now();
    if (announce) Atomics.store(this.m, this.s + LOCK.WAITER, this.worker + 1);
  }

  /**
   * One spin iteration of a bounded wait. Looks at the clock every CLOCK_EVERY spins
   * and throws DeadlockError past the bound.
   */
  protected spin(): void {
    if (++this.spins % CLOCK_EVERY === 0) this.checkWatchdog();
  }

  protected checkWatchdog(): void {
    const waited = performance.now() - this.waitStart;
    if (waited > this.opts.watchdogMs) {
      Atomics.compareExchange(this.m, this.s + LOCK.WAITER, this.worker + 1, 0);
      throw new DeadlockError(this.layout.lockName(this.id), this.holder(), this.worker, waited);
    }
  }

  /** Milliseconds left before the watchdog fires (for Atomics.wait timeouts). */
  protected remainingMs(): number {
    return Math.max(0, this.opts.watchdogMs - (performance.now() - this.waitStart));
  }

  /** Leave a contended wait: record statistics. */
  protected endWait(): void {
    const m = this.m;
    const st = this.st;
    m[st + LSTAT.ACQUIRED]!++;
    m[st + LSTAT.CONTENDED]!++;
    m[st + LSTAT.SPINS] = Math.min(0x7fffffff, m[st + LSTAT.SPINS]! + this.spins);
    const us = Math.min(0x7fffffff, Math.round((performance.now() - this.waitStart) * 1000));
    if (us > m[st + LSTAT.MAX_WAIT_US]!) m[st + LSTAT.MAX_WAIT_US] = us;
    Atomics.compareExchange(m, this.s + LOCK.WAITER, this.worker + 1, 0);
  }
}

/**
 * Base of the kinds whose lock word holds the owner (worker id + 1): release is one
 * store of 0 and the holder is read from the word itself.
 */
export abstract class OwnerWordLock extends BaseLock {
  release(): void {
    Atomics.store(this.m, this.s, 0);
  }

  override holder(): number {
    return Atomics.load(this.m, this.s) - 1;
  }
}

/** The closure forms over a split lock: acquire (write) or readAcquire, `fn`, then the matching release. */
export function runSplit<T>(lock: Pick<Lock, 'acquire' | 'release' | 'readAcquire' | 'readRelease'>, write: boolean, fn: () => T): T {
  if (write) lock.acquire();
  else lock.readAcquire();
  try {
    return fn();
  } finally {
    if (write) lock.release();
    else lock.readRelease();
  }
}

/** A short busy pause (there is no Atomics.pause on Node 20). */
export function cpuRelax(iterations: number): void {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (x + i) | 0;
  if (x === -1) throw new Error('unreachable');
}

/** Summed statistics of one lock over all workers. */
export interface LockStats {
  acquisitions: number;
  contended: number;
  spins: number;
  maxWaitUs: number;
}

export function readLockStats(m: Int32Array, layout: Layout, id: number): LockStats {
  const r: LockStats = { acquisitions: 0, contended: 0, spins: 0, maxWaitUs: 0 };
  for (let w = 0; w < layout.cfg.workers; w++) {
    const st = layout.lstat(id, w);
    r.acquisitions += Atomics.load(m, st + LSTAT.ACQUIRED);
    r.contended += Atomics.load(m, st + LSTAT.CONTENDED);
    r.spins += Atomics.load(m, st + LSTAT.SPINS);
    r.maxWaitUs = Math.max(r.maxWaitUs, Atomics.load(m, st + LSTAT.MAX_WAIT_US));
  }
  return r;
}
