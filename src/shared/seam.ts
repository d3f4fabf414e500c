/**
 * The seam between model code and the engines.
 *
 * Model code (src/seccomp) touches shared memory and locks only through a `Seam`.
 * By default the seam is a thin pass-through: each method tests `hook === null`
 * (one predictable branch) and does the access. Engines plug a `Hook` in:
 *   - noise injection: tiny random delays at every point (src/workers/noise.ts);
 *   - lockdep: a class-dependency graph, checked at each acquire (src/workers/lockdep.ts);
 *   - a controlled scheduler (src/explore/): the worker parks at a point until the
 *     schedule grants it the next step.
 * Several hooks compose with `chainHooks`.
 *
 * The seam also keeps the worker's stack of held locks (`held`, innermost last): the
 * one copy that the model's lock-contract asserts, lockdep and the engines read.
 */
import type { Layout } from './layout.ts';
import { EventRing } from './events.ts';

/**
 * What the seam needs of a lock: the part of src/locks' `Lock` it calls. Declared
 * here so that shared depends on no layer above it; every lock kind is one.
 */
export interface SeamLock {
  /** false = the kind only runs closures (`run`/`readRun`); split acquire/release unsupported */
  readonly splittable: boolean;
  acquire(): void;
  release(): void;
  readAcquire(): void;
  readRelease(): void;
  run<T>(fn: () => T): T;
  readRun<T>(fn: () => T): T;
}

/**
 * Named race windows in the correct model: real gaps where the kernel has one too.
 * A seeded bug's own windows are declared in its file (src/seccomp/bugs/), numbered
 * from BUG_WINDOWS up.
 */
export const WINDOW = {
  /** seccomp_run_filters(): between reading a node's prev link and using the node */
  SYSCALL_WALK: 1,
} as const;
export const BUG_WINDOWS = 100;

/** Kinds of points at which a hook is called. */
export const POINT = {
  LOAD: 0,
  STORE: 1,
  ALOAD: 2,
  ASTORE: 3,
  CAS: 4,
  ADD: 5,
  ACQUIRE: 6,
  RELEASE: 7,
  /** a named race window the model marks explicitly (between check and commit, …) */
  WINDOW: 8,
} as const;
export const POINT_NAMES = ['load', 'store', 'aload', 'astore', 'cas', 'add', 'acquire', 'release', 'window'] as const;

export interface Hook {
  /** before a shared access or lock operation; `arg` is the word index or the lock id;
   *  `expected`: a compareExchange's expected value (a hook may tell a failing one, a read) */
  point(kind: number, arg: number, expected?: number): void;
  /** after `lock` was acquired (write = exclusive) */
  acquired(lock: number, write: boolean): void;
  /** just before `lock` is released */
  releasing(lock: number, write: boolean): void;
}

export class Seam {
  /** null = no engine attached: every access is a plain pass-through */
  hook: Hook | null = null;
  /** this worker's event ring: bookkeeping for reports, written directly (no hook points) */
  readonly ring: EventRing;
  /** lock ids this worker holds, innermost last (pushed after acquire, popped before release) */
  readonly held: number[] = [];
  /** held[] as counts per lock id: `holds` in O(1) (the asserts ask on every guarded write);
   *  read-only outside the seam (the controlled scheduler's guard test reads it) */
  readonly heldCount: Uint8Array;

  constructor(
    readonly m: Int32Array,
    readonly layout: Layout,
    readonly worker: number,
    readonly locks: readonly SeamLock[],
  ) {
    this.ring = new EventRing(m, layout, worker);
    this.heldCount = new Uint8Array(locks.length);
  }

  // ---- plain accesses: fields guarded by a held lock, or immutable ones ----
  load(a: number): number {
    if (this.hook !== null) this.hook.point(POINT.LOAD, a);
    return this.m[a]!;
  }
  store(a: number, v: number): void {
    if (this.hook !== null) this.hook.point(POINT.STORE, a);
    this.m[a] = v;
  }

  // ---- atomic accesses: lock words, refcounts, fields read locklessly ----
  aload(a: number): number {
    if (this.hook !== null) this.hook.point(POINT.ALOAD, a);
    return Atomics.load(this.m, a);
  }
  astore(a: number, v: number): void {
    if (this.hook !== null) this.hook.point(POINT.ASTORE, a);
    Atomics.store(this.m, a, v);
  }
  cas(a: number, expected: number, v: number): number {
    if (this.hook !== null) this.hook.point(POINT.CAS, a, expected);
    return Atomics.compareExchange(this.m, a, expected, v);
  }
  /** atomic add; returns the old value */
  add(a: number, d: number): number {
    if (this.hook !== null) this.hook.point(POINT.ADD, a);
    return Atomics.add(this.m, a, d);
  }

  /** a named race window (no access): lets noise and schedulers act between two steps */
  window(site: number): void {
    if (this.hook !== null) this.hook.point(POINT.WINDOW, site);
  }

  // ---- locks ----
  /** Does this worker hold lock `id`? (the lock-contract asserts) */
  holds(id: number): boolean {
    return this.heldCount[id] !== 0;
  }

  private pushHeld(id: number): void {
    this.held.push(id);
    this.heldCount[id]!++;
  }

  private popHeld(id: number): void {
    const held = this.held;
    if (held[held.length - 1] === id) held.pop();
    else {
      const i = held.lastIndexOf(id); // released out of order
      if (i < 0) return;
      held.splice(i, 1);
    }
    this.heldCount[id]!--;
  }

  /** Run `fn` holding lock `id` (write = exclusive): split acquire/release where the kind
   *  supports it (no closure per lock operation), else the kind's closure form. */
  withLock<T>(id: number, write: boolean, fn: () => T): T {
    if (!this.locks[id]!.splittable) return this.closureLocked(id, write, fn);
    this.acquire(id, write);
    try {
      return fn();
    } finally {
      this.release(id, write);
    }
  }

  /** for kinds that only run a closure (native): the hook and held stack inside it */
  private closureLocked<T>(id: number, write: boolean, fn: () => T): T {
    const lock = this.locks[id]!;
    const h = this.hook;
    if (h !== null) h.point(POINT.ACQUIRE, id);
    const body = (): T => {
      this.pushHeld(id);
      if (h !== null) h.acquired(id, write);
      try {
        return fn();
      } finally {
        if (h !== null) {
          h.releasing(id, write);
          h.point(POINT.RELEASE, id);
        }
        this.popHeld(id);
      }
    };
    return write ? lock.run(body) : lock.readRun(body);
  }

  /** split acquire (write = exclusive), for kinds that support it */
  acquire(id: number, write = true): void {
    const h = this.hook;
    if (h !== null) h.point(POINT.ACQUIRE, id);
    if (write) this.locks[id]!.acquire();
    else this.locks[id]!.readAcquire();
    this.pushHeld(id);
    if (h !== null) h.acquired(id, write);
  }

  release(id: number, write = true): void {
    const h = this.hook;
    if (h !== null) {
      h.releasing(id, write);
      h.point(POINT.RELEASE, id);
    }
    this.popHeld(id);
    if (write) this.locks[id]!.release();
    else this.locks[id]!.readRelease();
  }

  /** Locks still held (an op that ended holding some): returns them and forgets them. */
  takeLeaked(): number[] {
    this.heldCount.fill(0);
    return this.held.splice(0, this.held.length);
  }
}

/** Compose hooks; null entries are dropped; returns null when nothing is left. */
export function chainHooks(...hooks: (Hook | null | undefined)[]): Hook | null {
  const hs = hooks.filter((h): h is Hook => h != null);
  if (hs.length === 0) return null;
  if (hs.length === 1) return hs[0]!;
  return {
    point(kind, arg, expected) {
      for (const h of hs) h.point(kind, arg, expected);
    },
    acquired(lock, write) {
      for (const h of hs) h.acquired(lock, write);
    },
    releasing(lock, write) {
      for (let i = hs.length - 1; i >= 0; i--) hs[i]!.releasing(lock, write);
    },
  };
}
