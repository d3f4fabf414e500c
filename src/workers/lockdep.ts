/**
 * lockdep for the lab: lock classes, the worker's stack of held locks (the seam
 * keeps it), and a shared class-dependency graph (the LOCKDEP
 * matrix). Before every acquisition it checks recursion and adds held -> acquired
 * edges; a new edge that closes a cycle is reported the way the kernel does
 * ("possible circular locking dependency detected", the chain, and the CPU0/CPU1
 * unsafe-scenario table) — even if no deadlock happened on this run.
 * A seam Hook, so the model does not know it is there.
 */
import { LOCKDEP_CLASSES, type Layout, type LockUse } from '../shared/layout.ts';
import { POINT, type Hook } from '../shared/seam.ts';
import type { Ctx } from '../seccomp/context.ts';

export const LOCK_CLASSES = ['arena_lock', 'pidmap_lock', 'tasklist_lock', '&sighand->siglock', '&sig->cred_guard_mutex', 'threadgroup_rwsem', 'extra_lock'] as const;

const CLASS_OF: Record<LockUse, number> = { arena: 0, pidmap: 1, tasklist: 2, siglock: 3, cred_guard: 4, threadgroup: 5, extra: 6 };

export function lockClass(L: Layout, id: number): number {
  return CLASS_OF[L.lockUse(id)];
}

/** edge word: 0 none, 1 seen, 2 seen and reported as part of a cycle */
const SEEN = 1;
const REPORTED = 2;

/**
 * The chain cache, as the kernel's lockdep keeps one (chain_key -> already validated):
 * a held-class set plus the class being acquired, once validated with every edge
 * known, needs no second look. 7 classes: a 7-bit set times 8 classes.
 */
const CHAIN_KEYS = (1 << LOCK_CLASSES.length) * 8;

export class LockdepHook implements Hook {
  /** class of every lock id, computed once */
  private readonly classOf: Uint8Array;
  /** chain key -> 1 once validated */
  private readonly chains = new Uint8Array(CHAIN_KEYS);

  constructor(
    private readonly m: Int32Array,
    private readonly L: Layout,
    private readonly worker: number,
    /** where violations go (its seam's `held` is the worker's stack of held locks) */
    private readonly ctx: Ctx,
  ) {
    this.classOf = new Uint8Array(L.nLocks);
    for (let id = 0; id < L.nLocks; id++) this.classOf[id] = lockClass(L, id);
  }

  point(kind: number, arg: number): void {
    if (kind === POINT.ACQUIRE) this.validate(arg);
  }

  acquired(): void {}
  releasing(): void {}

  private validate(lock: number): void {
    const L = this.L;
    const m = this.m;
    const classOf = this.classOf;
    const cls = classOf[lock]!;
    const held = this.ctx.seam.held;
    let set = 0;
    for (let i = 0; i < held.length; i++) set |= 1 << classOf[held[i]!]!;
    const key = set * 8 + cls;
    if ((set & (1 << cls)) === 0 && this.chains[key] === 1) return; // this chain was validated
    let complete = true;
    for (let i = 0; i < held.length; i++) {
      const h = held[i]!;
      if (h === lock || classOf[h] === cls) {
        this.ctx.violation('lockdep-recursion', recursionReport(L, this.worker, lock, h), [], []);
        continue;
      }
      const from = classOf[h]!;
      const e = L.lockdepEdge(from, cls);
      if (m[e] !== 0) continue; // known dependency
      if (Atomics.compareExchange(m, e, 0, SEEN) !== 0) continue; // another worker just added it
      const back = findPath(m, L, cls, from);
      if (back) {
        Atomics.store(m, e, REPORTED);
        this.ctx.violation('lockdep-cycle', cycleReport(L, this.worker, h, lock, back), [], []);
        complete = false;
      }
    }
    if (complete && (set & (1 << cls)) === 0) this.chains[key] = 1;
  }
}

/** A path of classes from `a` to `b` in the dependency graph (BFS), or null. */
function findPath(m: Int32Array, L: Layout, a: number, b: number): number[] | null {
  const prev = new Int8Array(LOCKDEP_CLASSES).fill(-1);
  const q = [a];
  prev[a] = a;
  while (q.length) {
    const x = q.shift()!;
    if (x === b) {
      const path = [b];
      for (let y = b; y !== a; y = prev[y]!) path.unshift(prev[y]!);
      return path;
    }
    for (let y = 0; y < LOCKDEP_CLASSES; y++) if (prev[y] === -1 && Atomics.load(m, L.lockdepEdge(x, y)) !== 0) {
      prev[y] = x;
      q.push(y);
    }
  }
  return null;
}

const name = (c: number) => LOCK_CLASSES[c] ?? `class${c}`;

function cycleReport(L: Layout, worker: number, heldLock: number, newLock: number, back: number[]): string {
  const heldC = lockClass(L, heldLock);
  const newC = lockClass(L, newLock);
  const chain = [...back, newC].map(name).join(' --> ');
  const bar = '======================================================';
  return [
    'possible circular locking dependency detected',
    bar,
    'WARNING: possible circular locking dependency detected',
    '------------------------------------------------------',
    `worker ${worker} is trying to acquire lock:`,
    `  (${name(newC)}) [${L.lockName(newLock)}]`,
    '',
    'but task is already holding lock:',
    `  (${name(heldC)}) [${L.lockName(heldLock)}]`,
    '',
    'which lock already depends on the new lock.',
    '',
    'Chain exists of:',
    `  ${chain}`,
    '',
    ' Possible unsafe locking scenario:',
    '',
    `       CPU0                    CPU1`,
    `       ----                    ----`,
    `  lock(${name(heldC)});`,
    `                               lock(${name(newC)});`,
    `                               lock(${name(heldC)});`,
    `  lock(${name(newC)});`,
    '',
    ' *** DEADLOCK ***',
  ].join('\n');
}

function recursionReport(L: Layout, worker: number, lock: number, held: number): string {
  return [
    'possible recursive locking detected',
    `worker ${worker} is trying to acquire lock:`,
    `  (${name(lockClass(L, lock))}) [${L.lockName(lock)}]`,
    'but task is already holding lock:',
    `  (${name(lockClass(L, held))}) [${L.lockName(held)}]`,
    '',
    ' Possible unsafe locking scenario:',
    '       CPU0',
    '       ----',
    `  lock(${name(lockClass(L, held))});`,
    `  lock(${name(lockClass(L, lock))});`,
    '',
    ' *** DEADLOCK ***',
  ].join('\n');
}
