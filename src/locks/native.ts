/**
 * `native`: V8's own mutex, `Atomics.Mutex` (a shared-struct proposal feature).
 * It exists only when node itself was started with `--harmony-struct` (the flag is
 * refused in a worker's execArgv and in NODE_OPTIONS; workers inherit it), so the CLI
 * re-executes itself with the flag when this kind is asked for (src/cli/reexec.ts).
 *
 * The API is scoped only: `Atomics.Mutex.lock(m, fn)` returns fn's value and
 * `tryLock(m, fn)` runs fn only if it got the lock; there is no unlock. So this kind
 * supports `run`/`readRun` and refuses split acquire/release.
 *
 * What `tryLock` returns changed between V8 versions: Node 20 returns a boolean,
 * Node 24 and 26 return `{ value, success }`, an object that is truthy even when the
 * lock was NOT taken (reading it as a boolean lost mutual exclusion there). So this
 * kind never interprets the return value: the body handed to V8 marks that it ran,
 * and "fn ran" is what "acquired" means on every version. Before the first mutex is
 * created, `nativeRefusal()` probes the API on one thread (tryLock on a free mutex
 * runs fn; tryLock on a mutex this thread holds does not; lock returns fn's value);
 * a V8 that behaves otherwise is refused with one line naming the Node version.
 * (Node 24/26 also have `lockWithTimeout`, `isMutex`, and 24 `lockAsync`; Atomics.Condition
 * gained `waitAsync`/`isCondition`. This kind uses none of them, nor Condition, so
 * it runs the same algorithm on every version and its figures compare across them.)
 *
 * Watchdog: a blocking `lock()` cannot be bounded, so the contended path polls
 * `tryLock` with backoff until the watchdog bound. The uncontended path is exactly one
 * `tryLock`, i.e. V8's own lock+unlock.
 * The mutex object lives outside the SharedArrayBuffer; the holder's worker id is
 * still recorded in LOCK.OWNER (plain store) so the watchdog can name it.
 */
import type { Layout } from '../shared/layout.ts';
import { UsageError } from '../shared/usage-error.ts';
import { BaseLock, cpuRelax, type LockOptions } from './lock.ts';

declare const nativeMutexBrand: unique symbol;
/** An opaque `Atomics.Mutex`; share it with workers through a task or workerData. */
export type NativeMutex = { readonly [nativeMutexBrand]: true };

/** Node 24 and 26: what `tryLock` returns (Node 20: a boolean). */
export interface TryLockResult {
  value: unknown;
  success: boolean;
}

/** The part of V8's (non-standard) Atomics.Mutex that every supported Node offers. */
export interface AtomicsMutexStatic {
  new (): NativeMutex;
  lock<T>(mutex: NativeMutex, fn: () => T): T;
  /** runs fn only if it took the lock; the return value differs by version, do not read it */
  tryLock(mutex: NativeMutex, fn: () => void): boolean | TryLockResult;
}

/** V8's Atomics.Mutex, or undefined without --harmony-struct (the benchmark calls it raw). */
export function mutexClass(): AtomicsMutexStatic | undefined {
  return (Atomics as unknown as { Mutex?: AtomicsMutexStatic }).Mutex;
}

/** True when node runs with --harmony-struct (Atomics.Mutex exists). */
export function nativeAvailable(): boolean {
  return typeof mutexClass() === 'function';
}

/** How `tryLock` reported its outcome in the probe (for reports; the lock never reads it). */
export type TryLockForm = 'boolean' | 'object';

export type MutexProbe = { ok: true; form: TryLockForm } | { ok: false; refusal: string };

function show(v: unknown): string {
  if (typeof v === 'object' && v !== null) {
    try {
      return JSON.stringify(v);
    } catch {
      return Object.prototype.toString.call(v);
    }
  }
  return String(v);
}

/**
 * Check, on this thread, the semantics NativeLock relies on: `lock(m, fn)` returns
 * fn's value; `tryLock` on a free mutex runs fn; `tryLock` on a mutex this thread
 * holds does not run fn (and returns). Any other behaviour, or a throw, gives a
 * one-line refusal naming the Node version.
 */
export function probeMutexApi(M: AtomicsMutexStatic, version: string = process.version): MutexProbe {
  const refuse = (why: string): MutexProbe => ({ ok: false, refusal: `lock kind "native" is not supported on Node ${version}: ${why}` });
  try {
    const m = new M();
    const value = M.lock(m, () => 42);
    if (value !== 42) return refuse(`Atomics.Mutex.lock(m, fn) returned ${show(value)}, not fn's value`);
    let ranFree = 0;
    const free = M.tryLock(m, () => void ranFree++);
    if (ranFree !== 1) return refuse(`Atomics.Mutex.tryLock on a free mutex did not run fn (it returned ${show(free)})`);
    let ranHeld = 0;
    const held = M.lock(m, () => M.tryLock(m, () => void ranHeld++));
    if (ranHeld !== 0) return refuse(`Atomics.Mutex.tryLock ran fn on a mutex this thread holds (it returned ${show(held)})`);
    if (free === true && held === false) return { ok: true, form: 'boolean' };
    const isResult = (r: unknown): r is TryLockResult => typeof r === 'object' && r !== null && 'success' in r;
    if (isResult(free) && isResult(held) && free.success === true && held.success === false) return { ok: true, form: 'object' };
    // fn ran exactly when it should, which is all NativeLock reads; an unknown report is fine
    return { ok: true, form: typeof free === 'boolean' ? 'boolean' : 'object' };
  } catch (e) {
    return refuse(`probing Atomics.Mutex threw: ${e instanceof Error ? e.message : String(e)}`.replace(/\s*\n\s*/g, ' '));
  }
}

let probed: MutexProbe | undefined;

/** This process's probe of Atomics.Mutex (run once), or undefined without --harmony-struct. */
export function nativeProbe(): MutexProbe | undefined {
  const M = mutexClass();
  if (M === undefined) return undefined;
  probed ??= probeMutexApi(M);
  return probed;
}

/** One line saying why this Node's Atomics.Mutex is refused, or undefined (usable, or absent). */
export function nativeRefusal(): string | undefined {
  const p = nativeProbe();
  return p !== undefined && !p.ok ? p.refusal : undefined;
}

/** A new Atomics.Mutex (main thread). UsageError when this Node's Atomics.Mutex is refused. */
export function createNativeMutex(): NativeMutex {
  const M = mutexClass();
  if (M === undefined) throw new Error('Atomics.Mutex is unavailable: start node with --harmony-struct');
  const refusal = nativeRefusal();
  if (refusal !== undefined) throw new UsageError(refusal);
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
  /** set by the body: tryLock ran it, i.e. took the lock (its return value differs by version) */
  private ran = false;
  private readonly body: () => void;

  /** `M`: V8's Atomics.Mutex by default; tests pass a stand-in. */
  constructor(m: Int32Array, layout: Layout, id: number, worker: number, opts: LockOptions, readonly mutex: NativeMutex, M: AtomicsMutexStatic | undefined = mutexClass()) {
    super(m, layout, id, worker, opts);
    if (M === undefined) throw new Error('Atomics.Mutex is unavailable: start node with --harmony-struct');
    this.M = M;
    this.body = () => {
      this.ran = true;
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
      if (!this.tryOnce()) {
        this.contended = true;
        this.beginWait();
        let backoff = 1;
        while (!this.tryOnce()) {
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

  /** One tryLock: did it run the body (take the lock)? Never reads tryLock's return value. */
  private tryOnce(): boolean {
    this.ran = false;
    this.M.tryLock(this.mutex, this.body);
    return this.ran;
  }

  override readRun<T>(fn: () => T): T {
    return this.run(fn);
  }
}
