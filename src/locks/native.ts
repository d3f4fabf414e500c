/**
 * `native`: V8's own mutex, `Atomics.Mutex` (a shared-struct proposal feature).
 * It exists only when node itself was started with `--harmony-struct` (the flag is
 * refused in a worker's execArgv and in NODE_OPTIONS; workers inherit it), so the CLI
 * re-executes itself with the flag when this kind is asked for (src/cli/reexec.ts).
 *
 * Node 20's API is scoped only: `Atomics.Mutex.lock(m, fn)` returns fn's value and
 * `tryLock(m, fn)` returns whether it ran fn; there is no unlock and no timed lock.
 * So this kind supports `run`/`readRun` and refuses split acquire/release.
 *
 * Watchdog: a blocking `lock()` cannot be bounded, so the contended path polls
 * `tryLock` with backoff until the watchdog bound. The uncontended path is exactly one
 * `tryLock`, i.e. V8's own lock+unlock.
 * The mutex object lives outside the SharedArrayBuffer; the holder's worker id is
 * still recorded in LOCK.OWNER (plain store) so the watchdog can name it.
 */
import type { Layout } from '../shared/layout.ts';
import { BaseLock, cpuRelax, type LockOptions } from './lock.ts';

declare const nativeMutexBrand: unique symbol;
/** An opaque `Atomics.Mutex`; share it with workers through a task or workerData. */
export type NativeMutex = { readonly [nativeMutexBrand]: true };

/** The part of V8's (non-standard) Atomics.Mutex that Node 20 offers. */
export interface AtomicsMutexStatic {
  new (): NativeMutex;
  lock<T>(mutex: NativeMutex, fn: () => T): T;
  tryLock(mutex: NativeMutex, fn: () => void): boolean;
}

/** V8's Atomics.Mutex, or undefined without --harmony-struct (the benchmark calls it raw). */
export function mutexClass(): AtomicsMutexStatic | undefined {
  return (Atomics as unknown as { Mutex?: AtomicsMutexStatic }).Mutex;
}

/** True when node runs with --harmony-struct (Atomics.Mutex exists). */
export function nativeAvailable(): boolean {
  return typeof mutexClass() === 'function';
}

export function createNativeMutex(): NativeMutex {
  const M = mutexClass();
  if (M === undefined) throw new Error('Atomics.Mutex is unavailable: start node with --harmony-struct');
  return new M();
}

const SCOPED_ONLY = 'native locks are scoped only; use run()';

export class NativeLock extends BaseLock {
  readonly kind: string = 'native';
  override readonly splittable: boolean = false;
  private readonly M: AtomicsMutexStatic;
  // The body handed to V8 is allocated once per handle (no closure per call): it
  // records owner and statistics, runs `pending` and parks its value in `result`.
  private pending: (() => unknown) | null = null;
  private result: unknown = undefined;
  private contended = false;
  private readonly body: () => void;

  constructor(m: Int32Array, layout: Layout, id: number, worker: number, opts: LockOptions, readonly mutex: NativeMutex) {
    super(m, layout, id, worker, opts);
    const M = mutexClass();
    if (M === undefined) throw new Error('Atomics.Mutex is unavailable: start node with --harmony-struct');
    this.M = M;
    this.body = () => {
      const own = this.own;
      this.m[own] = this.worker + 1; // diagnostic only: plain store
      if (this.contended) this.endWait();
      else this.fast();
      try {
        this.result = this.pending!();
      } finally {
        this.m[own] = 0;
      }
    };
  }

  acquire(): void {
    throw new Error(SCOPED_ONLY);
  }
  release(): void {
    throw new Error(SCOPED_ONLY);
  }
  tryAcquire(): boolean {
    throw new Error(SCOPED_ONLY);
  }
  override readAcquire(): void {
    throw new Error(SCOPED_ONLY);
  }
  override readRelease(): void {
    throw new Error(SCOPED_ONLY);
  }

  override run<T>(fn: () => T): T {
    // Save/restore: fn may run other locks' run(), never this handle's (self-deadlock).
    const outer = this.pending;
    this.pending = fn;
    this.contended = false;
    try {
      if (!this.M.tryLock(this.mutex, this.body)) {
        this.contended = true;
        this.beginWait();
        let backoff = 1;
        while (!this.M.tryLock(this.mutex, this.body)) {
          cpuRelax(backoff);
          if (backoff < this.opts.maxBackoff) backoff <<= 1;
          this.spin();
        }
      }
      return this.result as T;
    } finally {
      this.pending = outer;
      this.result = undefined;
      this.contended = false;
    }
  }

  override readRun<T>(fn: () => T): T {
    return this.run(fn);
  }
}
