/**
 * User lock kinds: `--lock ROLE=./path/to/lock.mjs` (or .ts). The contract
 * (docs/locks.md):
 *
 *   export default class MyLock {
 *     constructor(m, base, worker)   // m: the shared Int32Array; m[base..base+15] are this
 *                                    // lock's 16 words, zero at start; worker: this worker's index
 *     acquire(): void
 *     release(): void
 *     tryAcquire?(): boolean         // optional
 *     readAcquire?(): void           // optional, with readRelease: a reader-writer kind
 *     readRelease?(): void
 *     static fair?: boolean          // true: `locks --check` also checks FIFO order
 *   }
 *
 * Every worker constructs its own instance on the same words. The lab wraps each
 * instance (UserLock) to record the owner (LOCK.OWNER, swapped atomically so that
 * a second holder is seen and reported as a mutual-exclusion violation) and the
 * read holds (LOCK.AUX) in the lock's own record, per-worker statistics, and to say, for the livelock watchdog, which method of which lock a
 * worker is in: a user method that never returns cannot be interrupted, so the
 * stuck op is reported by the stress engine's livelock watchdog naming that lock
 * and method, and the thread is ended with the pool.
 *
 * Modules are imported (asynchronously) before any handle is built: the main
 * thread validates them (`loadUserLock`), workers preload them (`preloadUserLocks`)
 * so that `makeLock` stays synchronous.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LOCK, WORKER, type Layout } from '../shared/layout.ts';
import { UsageError } from '../shared/usage-error.ts';
import { BaseLock, type LockOptions } from './lock.ts';

/** A user kind as it appears in a lock plan and in reports: `user:` + the module's absolute path. */
export type UserLockKind = `user:${string}`;

export interface UserLockInstance {
  acquire(): void;
  release(): void;
  tryAcquire?(): boolean;
  readAcquire?(): void;
  readRelease?(): void;
}

export type UserLockClass = (new (m: Int32Array, base: number, worker: number) => UserLockInstance) & { fair?: unknown; name?: string };

export interface UserLockDef {
  kind: UserLockKind;
  /** the module path as the user wrote it (for messages), or the absolute path */
  path: string;
  ctor: UserLockClass;
  className: string;
  rw: boolean;
  fair: boolean;
  hasTry: boolean;
}

const EXTENSIONS = ['.mjs', '.js', '.ts', '.mts'];

/** Does a --lock value name a module rather than a built-in kind? */
export function isUserLockSpec(spec: string): boolean {
  return spec.includes('/') || spec.includes('\\') || EXTENSIONS.some((e) => spec.endsWith(e));
}

export function isUserLockKind(kind: string): kind is UserLockKind {
  return kind.startsWith('user:');
}

export function userLockPath(kind: UserLockKind): string {
  return kind.slice('user:'.length);
}

/** `./x.mjs` -> `user:/abs/x.mjs`; a missing file or a wrong extension is a one-line UsageError. */
export function resolveUserLock(spec: string): UserLockKind {
  if (!EXTENSIONS.some((e) => spec.endsWith(e))) throw new UsageError(`lock module "${spec}": expected a .mjs, .js or .ts file`);
  const abs = resolve(spec);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new UsageError(`lock module "${spec}": no such file`);
  return `user:${abs}`;
}

const loaded = new Map<UserLockKind, UserLockDef>();

function isClass(x: unknown): x is UserLockClass {
  return typeof x === 'function' && typeof (x as { prototype?: unknown }).prototype === 'object';
}

/**
 * Import and validate a user lock module (cached). One-line UsageErrors: the
 * module does not load, has no default-exported class, or lacks a method.
 */
export async function loadUserLock(kind: UserLockKind): Promise<UserLockDef> {
  const have = loaded.get(kind);
  if (have) return have;
  const path = userLockPath(kind);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new UsageError(`lock module "${path}" does not load: ${msg}`);
  }
  const ctor = mod.default;
  if (!isClass(ctor)) throw new UsageError(`lock module "${path}": its default export is not a class (export default class … { acquire() {…} release() {…} })`);
  const proto = ctor.prototype as Record<string, unknown>;
  const className = ctor.name || 'default';
  for (const method of ['acquire', 'release'] as const)
    if (typeof proto[method] !== 'function') throw new UsageError(`lock module "${path}": class ${className} has no ${method}() method`);
  const hasRead = typeof proto['readAcquire'] === 'function';
  if (hasRead !== (typeof proto['readRelease'] === 'function')) throw new UsageError(`lock module "${path}": class ${className} has only one of readAcquire()/readRelease()`);
  const def: UserLockDef = { kind, path, ctor, className, rw: hasRead, fair: ctor.fair === true, hasTry: typeof proto['tryAcquire'] === 'function' };
  loaded.set(kind, def);
  return def;
}

/** Load every user kind among `kinds` (built-in kinds are skipped). */
export async function preloadUserLocks(kinds: Iterable<string>): Promise<void> {
  for (const k of new Set(kinds)) if (isUserLockKind(k)) await loadUserLock(k);
}

export function anyUserLock(kinds: Iterable<string>): boolean {
  for (const k of kinds) if (isUserLockKind(k)) return true;
  return false;
}

/** The loaded definition of a user kind; it must have been preloaded in this thread. */
export function userLockDef(kind: UserLockKind): UserLockDef {
  const d = loaded.get(kind);
  if (!d) throw new Error(`internal: user lock ${userLockPath(kind)} was not preloaded in this thread`);
  return d;
}

/** What WORKER.USER_METHOD holds. */
export const USER_METHODS = ['', 'acquire', 'release', 'tryAcquire', 'readAcquire', 'readRelease', 'constructor'] as const;
const M_ACQUIRE = 1;
const M_RELEASE = 2;
const M_TRY = 3;
const M_READ_ACQUIRE = 4;
const M_READ_RELEASE = 5;
const M_CTOR = 6;

/** Where the wrappers report two holders at once (the stress worker sets it; null: not reported). */
let breachReporter: ((message: string) => void) | null = null;
export function onUserLockBreach(fn: ((message: string) => void) | null): void {
  breachReporter = fn;
}

/** an acquisition without tryAcquire that took at least this long counts as contended */
const CONTENDED_NS = 1000;

/**
 * The lab's handle on a user lock: the user's instance inside, owner and
 * statistics around it (in the lock's record and this worker's LSTAT record).
 */
export class UserLock extends BaseLock {
  readonly kind: string;
  private readonly inner: UserLockInstance;
  private readonly def: UserLockDef;
  private readonly wb: number;

  constructor(m: Int32Array, layout: Layout, id: number, worker: number, opts: LockOptions, def: UserLockDef) {
    super(m, layout, id, worker, opts);
    this.def = def;
    this.kind = def.kind;
    this.wb = layout.worker(worker);
    this.enter(M_CTOR);
    this.inner = new def.ctor(m, layout.userLockWords(id), worker);
    this.leave();
  }

  /** the owner word: set on every write acquisition; a previous owner still there means two holders */
  private owned(): void {
    const prev = Atomics.exchange(this.m, this.own, this.worker + 1);
    const readers = this.def.rw ? Atomics.load(this.m, this.s + LOCK.AUX) : 0;
    if (prev !== 0) this.breach(`worker ${this.worker} acquired it while worker ${prev - 1} held it`);
    else if (readers > 0) this.breach(`worker ${this.worker} acquired it for write while ${readers} reader(s) held it`);
  }

  private breach(what: string): void {
    breachReporter?.(`mutual exclusion broken: ${this.layout.lockName(this.id)} (user lock ${userLockPath(this.def.kind)}): ${what}`);
  }

  private enter(method: number): void {
    this.m[this.wb + WORKER.USER_METHOD] = method;
    this.m[this.wb + WORKER.USER_LOCK] = this.id + 1;
  }
  private leave(): void {
    this.m[this.wb + WORKER.USER_LOCK] = 0;
  }

  acquire(): void {
    if (this.def.hasTry) {
      this.enter(M_TRY);
      const got = this.inner.tryAcquire!();
      this.leave();
      if (got) {
        this.fast();
        this.owned();
        return;
      }
      this.beginWait();
      this.enter(M_ACQUIRE);
      this.inner.acquire();
      this.leave();
      this.endWait();
    } else {
      // no way to tell a free lock from a wait: announce, time it, count long ones as contended
      this.beginWait();
      this.enter(M_ACQUIRE);
      this.inner.acquire();
      this.leave();
      if ((performance.now() - this.waitStart) * 1e6 >= CONTENDED_NS) this.endWait();
      else {
        this.fast();
        Atomics.compareExchange(this.m, this.s + LOCK.WAITER, this.worker + 1, 0);
      }
    }
    this.owned();
  }

  release(): void {
    Atomics.store(this.m, this.own, 0);
    this.enter(M_RELEASE);
    this.inner.release();
    this.leave();
  }

  tryAcquire(): boolean {
    if (!this.def.hasTry) return false;
    this.enter(M_TRY);
    const got = this.inner.tryAcquire!();
    this.leave();
    if (got) {
      this.fast();
      this.owned();
    }
    return got;
  }

  override readAcquire(): void {
    if (!this.def.rw) return this.acquire();
    this.beginWait(false);
    this.enter(M_READ_ACQUIRE);
    this.inner.readAcquire!();
    this.leave();
    if ((performance.now() - this.waitStart) * 1e6 >= CONTENDED_NS) this.endWait();
    else this.fast();
    Atomics.add(this.m, this.s + LOCK.AUX, 1);
    const writer = Atomics.load(this.m, this.own);
    if (writer !== 0) this.breach(`worker ${this.worker} got a read hold while worker ${writer - 1} held it for write`);
  }

  override readRelease(): void {
    if (!this.def.rw) return this.release();
    Atomics.sub(this.m, this.s + LOCK.AUX, 1);
    this.enter(M_READ_RELEASE);
    this.inner.readRelease!();
    this.leave();
  }
}

/** For the livelock report: `; it is inside acquire() of user lock …`, or '' when worker `w` is not in user code. */
export function userLockWhere(m: Int32Array, L: Layout, w: number, plan: Record<string, string>): string {
  const id = Atomics.load(m, L.worker(w) + WORKER.USER_LOCK) - 1;
  if (id < 0) return '';
  const method = USER_METHODS[Atomics.load(m, L.worker(w) + WORKER.USER_METHOD)] ?? '?';
  const use = L.lockUse(id);
  const kind = plan[use] ?? '';
  return `; it is inside ${method}() of the user lock ${L.lockName(id)} (${use}=${isUserLockKind(kind) ? userLockPath(kind) : kind}), which never returned`;
}
