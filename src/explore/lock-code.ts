/**
 * Real lock code under the controlled scheduler (explore's default): inside an
 * explore worker, every lock handle is built over `view`, a Proxy of the lab buffer,
 * and `globalThis.Atomics` is replaced by an instrumented object. Each `Atomics`
 * operation a lock makes on a shared word (load, store, add, sub, and, or, xor,
 * exchange, compareExchange, wait, notify), and each plain index read or write of
 * one, is then a scheduling point of the controller (controller.ts), with its access
 * logged for dpor. Model code keeps the plain buffer and its seam's points, so it
 * is not instrumented twice. The lock module is unchanged: the contract of
 * docs/locks.md stays as it is; what it is given (the array) and what it calls
 * (Atomics) are instrumented while it runs here.
 *
 * Words that are not steps: every worker's lock statistics (LSTAT) and its own
 * WORKER record (only it writes them), and the diagnostic words of a lock record
 * (OWNER, WAITER; AUX of a user kind: the lab's read-hold count) that only reports
 * read. Their accesses pass through.
 *
 * Spin loops are finite (GenMC's spin-assume, Nidhugg's await). An actor about to
 * re-read a word it read since its last write, while every word it read since then
 * still holds what it saw, is spinning: it is run ahead, inside the same step (no
 * other actor could change what it reads), for up to SPIN_PROBE such re-reads. A loop
 * that gives up by itself (a spin budget, then Atomics.wait) does so within that one
 * step. One that does not is blocked until another actor writes a word it read; if no
 * actor is left to do so, the controller reports it (livelock, deadlock or lost
 * wake-up, naming the lock and the words).
 *
 * Atomics.wait and notify as ECMA-262 defines them: the compare and the sleep are one
 * step, there is no spurious wake-up, notify wakes up to `count` sleepers of the word
 * in FIFO order and returns how many. A timed wait shorter than WATCHDOG_WAIT_MS (a
 * sleep, a backoff) may time out at any step after it (its wake-up stays enabled); a
 * longer one is a watchdog's bound and never expires: a sleeper nobody is left to
 * notify is then a finding (a lost wake-up when its lock is free), not a timeout. The
 * clock lock code reads is virtual (1 µs per scheduling step).
 *
 * Not seen: accesses through another view of the buffer (`view.buffer`, `subarray`),
 * and Atomics.waitAsync (refused).
 */
import { LOCK, LSTAT, WORKER, type Layout } from '../shared/layout.ts';
import type { Lock } from '../locks/lock.ts';
import { DelegatingLock } from '../locks/delegating.ts';
import { ACC, LK } from './ctl.ts';
import type { Controller } from './controller.ts';
import { RaceDetector, type Race } from './races.ts';

/** Unchanged re-reads run ahead inside one step before a spinner is blocked. */
export const SPIN_PROBE = 1000;

/** The platform's Atomics, captured before any instrumentation. */
const A: typeof Atomics = globalThis.Atomics;

type Rmw = (m: Int32Array, i: number, v: number) => number;

export class LockCode {
  /** what lock handles are built over: the lab buffer, every shared-word access a step */
  readonly view: Int32Array;
  /** per word: 1 = not a step (private or diagnostic) */
  private readonly passes: Uint8Array;
  /** words read since this actor's last write, with the value it saw */
  private readonly window = new Map<number, number>();
  private spinRun = 0;
  private readonly races: RaceDetector;

  constructor(
    private readonly m: Int32Array,
    L: Layout,
    private readonly ctl: Controller,
    /** lock ids whose kind is a user module (their AUX word is the lab's) */
    userLocks: ReadonlySet<number>,
  ) {
    const passes = new Uint8Array(m.length);
    passes.fill(1, L.lstats, L.lstats + L.nLocks * L.cfg.workers * LSTAT.SIZE);
    passes.fill(1, L.worker(0), L.worker(0) + L.cfg.workers * WORKER.SIZE);
    for (let id = 0; id < L.nLocks; id++) {
      const s = L.lock(id);
      passes[s + LOCK.OWNER] = 1;
      passes[s + LOCK.WAITER] = 1;
      if (userLocks.has(id)) passes[s + LOCK.AUX] = 1;
    }
    this.passes = passes;
    this.races = new RaceDetector(ctl.c, ctl.k, ctl.me);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const rt = this;
    this.view = new Proxy(m, {
      get(t, p) {
        if (typeof p === 'string') {
          const ch = p.charCodeAt(0);
          if (ch >= 48 && ch <= 57) return rt.read(Number(p));
        }
        const v: unknown = Reflect.get(t, p, t);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
      set(t, p, v) {
        if (typeof p === 'string') {
          const ch = p.charCodeAt(0);
          if (ch >= 48 && ch <= 57) {
            rt.write(Number(p), Number(v));
            return true;
          }
        }
        return Reflect.set(t, p, v, t);
      },
    });
  }

  /** A new execution: forget what the last one read. */
  reset(): void {
    this.window.clear();
    this.spinRun = 0;
  }

  private passesAt(i: number): boolean {
    return this.passes[i] === 1;
  }

  /** Would reading word i now re-read what this actor saw, with nothing it read changed? */
  private reRead(i: number): boolean {
    if (!this.window.has(i)) return false;
    for (const [w, v] of this.window) if (A.load(this.m, w) !== v) return false;
    return true;
  }

  /**
   * Before an operation on shared word i (pure: it only reads). Returns true when it
   * runs ahead inside the current step (a spin's unchanged re-read); otherwise the
   * decision that starts its step has been made (a scheduling point, or the wake-up of
   * a blocked spinner).
   */
  private enter(i: number, pure: boolean): boolean {
    if (pure && this.reRead(i)) {
      if (++this.spinRun <= SPIN_PROBE) {
        this.ctl.logAccess(i, ACC.READ);
        return true;
      }
      this.spinRun = 0;
      this.ctl.spinBlock([...this.window.keys()], i);
      return false;
    }
    this.ctl.lockStep();
    return false;
  }

  /** A data race stops the execution at the access (its value is not explored). */
  private check(r: Race | null, i: number, plain: boolean, write: boolean): void {
    if (r) this.ctl.dataRace(i, plain, write, r);
  }

  private wrote(i: number): void {
    this.window.clear();
    this.spinRun = 0;
    this.ctl.wrote(i);
  }

  // ---- plain accesses (the Proxy) ----
  read(i: number): number {
    const m = this.m;
    if (this.passesAt(i) || !(i < m.length)) return m[i]!;
    if (this.enter(i, true)) return m[i]!;
    this.ctl.lockEvent(LK.READ, i, ACC.READ);
    this.check(this.races.read(i, true), i, true, false);
    const v = m[i]!;
    this.window.set(i, v);
    return v;
  }

  write(i: number, v: number): void {
    const m = this.m;
    if (this.passesAt(i) || !(i < m.length)) {
      m[i] = v;
      return;
    }
    this.enter(i, false);
    this.ctl.lockEvent(LK.WRITE, i, ACC.WRITE);
    this.check(this.races.write(i, true), i, true, true);
    m[i] = v;
    this.wrote(i);
  }

  // ---- Atomics ----
  load(i: number): number {
    const m = this.m;
    if (this.passesAt(i)) return A.load(m, i);
    if (this.enter(i, true)) return A.load(m, i);
    this.ctl.lockEvent(LK.LOAD, i, ACC.READ);
    this.check(this.races.read(i, false), i, false, false);
    const v = A.load(m, i);
    this.window.set(i, v);
    return v;
  }

  store(i: number, v: number): number {
    const m = this.m;
    if (this.passesAt(i)) return A.store(m, i, v);
    this.enter(i, false);
    this.ctl.lockEvent(LK.STORE, i, ACC.WRITE);
    this.check(this.races.write(i, false), i, false, true);
    const r = A.store(m, i, v);
    this.wrote(i);
    return r;
  }

  rmw(kind: number, op: Rmw, i: number, v: number): number {
    const m = this.m;
    if (this.passesAt(i)) return op(m, i, v);
    this.enter(i, false);
    this.ctl.lockEvent(kind, i, ACC.RMW);
    this.check(this.races.write(i, false, true), i, false, true);
    const r = op(m, i, v);
    this.wrote(i);
    return r;
  }

  cas(i: number, expected: number, replacement: number): number {
    const m = this.m;
    if (this.passesAt(i)) return A.compareExchange(m, i, expected, replacement);
    // a compareExchange that will fail only reads (we run alone: its outcome is known now)
    if (this.enter(i, A.load(m, i) !== (expected | 0))) return A.compareExchange(m, i, expected, replacement);
    const fails = A.load(m, i) !== (expected | 0);
    this.ctl.lockEvent(fails ? LK.CAS_FAIL : LK.CAS, i, fails ? ACC.READ : ACC.RMW);
    this.check(fails ? this.races.read(i, false) : this.races.write(i, false, true), i, false, !fails);
    const old = A.compareExchange(m, i, expected, replacement);
    if (fails) this.window.set(i, old);
    else this.wrote(i);
    return old;
  }

  wait(i: number, value: number, timeout: number | undefined): 'ok' | 'not-equal' | 'timed-out' {
    const m = this.m;
    this.enter(i, false);
    this.ctl.lockEvent(LK.WAIT, i, ACC.RMW);
    this.check(this.races.read(i, false), i, false, false);
    this.window.clear();
    this.spinRun = 0;
    if (A.load(m, i) !== (value | 0)) return 'not-equal';
    const t = timeout === undefined ? Infinity : Number(timeout);
    if (!(t > 0)) return 'timed-out';
    const timedOut = this.ctl.sleep(i, t);
    this.races.sync(i, false);
    return timedOut ? 'timed-out' : 'ok';
  }

  notify(i: number, count: number | undefined): number {
    this.enter(i, false);
    this.ctl.lockEvent(LK.NOTIFY, i, ACC.RMW);
    this.races.sync(i, true);
    this.window.clear();
    this.spinRun = 0;
    const n = count === undefined || count === Infinity ? 1 << 30 : Math.max(0, Math.floor(Number(count)));
    return this.ctl.wake(i, n);
  }
}

/**
 * Replace globalThis.Atomics, in this worker, by one that sends operations on
 * `rt.view` through the scheduler and passes every other array (the model's buffer,
 * the control buffer) to the platform's Atomics.
 */
export function instrumentAtomics(rt: LockCode): void {
  const P: Int32Array = rt.view;
  const I = Object.create(null) as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(A)) {
    const d = Object.getOwnPropertyDescriptor(A, name)!;
    Object.defineProperty(I, name, d);
  }
  Object.defineProperty(I, Symbol.toStringTag, { value: 'Atomics' });
  const ix = (i: unknown): number => Number(i);
  const rmw = (kind: number, op: Rmw) =>
    function (a: Int32Array, i: number, v: number): number {
      return a === P ? rt.rmw(kind, op, ix(i), Number(v)) : op(a, i, v);
    };
  Object.assign(I, {
    load(a: Int32Array, i: number): number {
      return a === P ? rt.load(ix(i)) : A.load(a, i);
    },
    store(a: Int32Array, i: number, v: number): number {
      return a === P ? rt.store(ix(i), Number(v)) : A.store(a, i, v);
    },
    add: rmw(LK.ADD, (a, i, v) => A.add(a, i, v)),
    sub: rmw(LK.SUB, (a, i, v) => A.sub(a, i, v)),
    and: rmw(LK.AND, (a, i, v) => A.and(a, i, v)),
    or: rmw(LK.OR, (a, i, v) => A.or(a, i, v)),
    xor: rmw(LK.XOR, (a, i, v) => A.xor(a, i, v)),
    exchange: rmw(LK.XCHG, (a, i, v) => A.exchange(a, i, v)),
    compareExchange(a: Int32Array, i: number, e: number, r: number): number {
      return a === P ? rt.cas(ix(i), Number(e), Number(r)) : A.compareExchange(a, i, e, r);
    },
    wait(a: Int32Array, i: number, v: number, t?: number): 'ok' | 'not-equal' | 'timed-out' {
      return a === P ? rt.wait(ix(i), Number(v), t) : A.wait(a, i, v, t);
    },
    notify(a: Int32Array, i: number, count?: number): number {
      return a === P ? rt.notify(ix(i), count) : A.notify(a, i, count);
    },
    waitAsync(a: Int32Array, ...rest: unknown[]): unknown {
      if (a === P) throw new Error('Atomics.waitAsync is not supported in lock code under the controlled scheduler');
      return (A as unknown as { waitAsync(...x: unknown[]): unknown }).waitAsync(a, ...rest);
    },
  });
  globalThis.Atomics = I as unknown as typeof Atomics;
}

/**
 * Under the scheduler nothing else decides: in this worker the clock is the number of
 * scheduling steps made so far (1 µs each: `performance.now()` and `Date.now()`), and
 * `Math.random` a generator reseeded at every execution (per actor).
 */
export function virtualClock(steps: () => number, actor: number): { reseed(): void } {
  Object.defineProperty(performance, 'now', { value: () => steps() / 1000, configurable: true, writable: true });
  Date.now = () => Math.floor(steps() / 1000);
  let s = 0;
  const reseed = () => {
    s = (0x9e3779b9 * (actor + 1)) | 0;
  };
  reseed();
  Math.random = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { reseed };
}

/** A lock handle whose own code runs under the scheduler: it only tells the controller what it is acquiring (for reports). */
export class WatchedLock extends DelegatingLock {
  constructor(
    inner: Lock,
    private readonly ctl: Controller,
  ) {
    super(inner);
  }
  override acquire(): void {
    this.ctl.acquiring(this.inner.id, true);
    this.inner.acquire();
  }
  override readAcquire(): void {
    this.ctl.acquiring(this.inner.id, false);
    this.inner.readAcquire();
  }
}
