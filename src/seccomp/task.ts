/**
 * Tasks (the seccomp part of task_struct) and per-group thread lists.
 *
 * Lock contract, as in the kernel: a task's HEAD, MODE and NNP are written only
 * under its group's siglock (its owner reads HEAD/MODE locklessly at syscall
 * entry, hence Atomics); the thread list (FIRST/LAST/NEXT/PREVT, NR_THREADS) is
 * written under siglock and, for insertion and removal, tasklist_lock for write
 * (copy_process / release_task).
 */
import { ALLOC, GROUP, HDR, LOCK_ID, MODE, TASK, TSTATE, handleGen, handleSlot, makeHandle } from '../shared/layout.ts';
import { EV } from '../shared/events.ts';
import type { Ctx } from './context.ts';
import { fmtNode, isAncestor } from './filter.ts';

export function taskAt(ctx: Ctx, t: number): number {
  return ctx.L.task(handleSlot(t));
}

/** Is `t` a handle to an allocated task slot of the same generation? */
export function taskLive(ctx: Ctx, t: number): boolean {
  const slot = handleSlot(t);
  if (slot < 0 || slot >= ctx.L.cfg.maxTasks) return false;
  const at = ctx.L.task(slot);
  return ctx.seam.aload(at + TASK.GEN) === handleGen(t) && ctx.seam.aload(at + TASK.STATE) !== TSTATE.FREE;
}

/** Check a task handle read from shared memory; a stale one is a use-after-free. */
export function checkTask(ctx: Ctx, t: number, what: string): boolean {
  if (taskLive(ctx, t)) return true;
  if (ctx.checking) ctx.violation('use-after-free', `${what}: task slot ${fmtTask(t)} was freed or reused`, [], []);
  return false;
}

export function fmtTask(t: number): string {
  return `#${handleSlot(t)}.g${handleGen(t)}`;
}

export const tidOf = (ctx: Ctx, t: number): number => ctx.seam.load(taskAt(ctx, t) + TASK.TID);
export const groupOf = (ctx: Ctx, t: number): number => ctx.seam.load(taskAt(ctx, t) + TASK.GROUP);
export const stateOf = (ctx: Ctx, t: number): number => ctx.seam.aload(taskAt(ctx, t) + TASK.STATE);
export const modeOf = (ctx: Ctx, t: number): number => ctx.seam.aload(taskAt(ctx, t) + TASK.MODE);
export const headOf = (ctx: Ctx, t: number): number => ctx.seam.aload(taskAt(ctx, t) + TASK.HEAD);
export const nnpOf = (ctx: Ctx, t: number): boolean => ctx.seam.aload(taskAt(ctx, t) + TASK.NNP) !== 0;
/**
 * The same fields for callers that hold the group's siglock: every writer of HEAD,
 * MODE and STATE holds it too, so a plain load is enough (and cheaper than Atomics).
 */
export const headLocked = (ctx: Ctx, t: number): number => ctx.seam.load(taskAt(ctx, t) + TASK.HEAD);
export const modeLocked = (ctx: Ctx, t: number): number => ctx.seam.load(taskAt(ctx, t) + TASK.MODE);
export const exitingLocked = (ctx: Ctx, t: number): boolean => {
  const s = ctx.seam.load(taskAt(ctx, t) + TASK.STATE);
  return s === TSTATE.EXITING || s === TSTATE.ZOMBIE;
};
/** PF_EXITING: exiting, or a zombie leader */
export const isExiting = (ctx: Ctx, t: number): boolean => {
  const s = stateOf(ctx, t);
  return s === TSTATE.EXITING || s === TSTATE.ZOMBIE;
};

/**
 * Publish a new filter head for `t` (smp_store_release in the kernel).
 * Expects the group's siglock held (exit's release of its own head included).
 * Checker: monotone restriction — a live thread's old head stays on its new chain.
 */
export function setHead(ctx: Ctx, t: number, head: number, why: string): void {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, t)), 'setHead');
  const at = taskAt(ctx, t);
  const old = ctx.seam.load(at + TASK.HEAD); // plain: every writer holds siglock, as we do
  if (ctx.checking && stateOf(ctx, t) === TSTATE.ALIVE && !isAncestor(ctx, old, head)) {
    ctx.violation('monotonicity', `${why}: thread ${tidOf(ctx, t)} lost filter ${fmtNode(old)} (new head ${fmtNode(head)})`, [tidOf(ctx, t)], [old, head]);
  }
  ctx.seam.astore(at + TASK.HEAD, head);
  ctx.ring.push(EV.SET_HEAD, tidOf(ctx, t), head);
}

/** Exit-time detach: head := NULL. Expects siglock held; only for an exiting task. */
export function clearHead(ctx: Ctx, t: number): number {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, t)), 'clearHead');
  const at = taskAt(ctx, t);
  const old = ctx.seam.aload(at + TASK.HEAD);
  ctx.seam.astore(at + TASK.HEAD, 0);
  return old;
}

/** seccomp_assign_mode(): mode only moves forward. Expects siglock held. */
export function setModeFilter(ctx: Ctx, t: number): void {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, t)), 'setModeFilter');
  ctx.seam.astore(taskAt(ctx, t) + TASK.MODE, MODE.FILTER);
}

/** task_set_no_new_privs(): set-only atomic flag. */
export function setNnp(ctx: Ctx, t: number): void {
  ctx.seam.astore(taskAt(ctx, t) + TASK.NNP, 1);
  ctx.ring.push(EV.NNP, tidOf(ctx, t), 1);
}

/** seccomp.filter_count (an atomic_t): written under siglock, read without a lock. */
export function filterCountOf(ctx: Ctx, t: number): number {
  return ctx.seam.aload(taskAt(ctx, t) + TASK.FILTER_COUNT);
}
/** Expects siglock held (copy_seccomp, attach, TSYNC). */
export function setFilterCount(ctx: Ctx, t: number, n: number): void {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, t)), 'setFilterCount');
  ctx.seam.astore(taskAt(ctx, t) + TASK.FILTER_COUNT, n);
}

// ---- task slots ------------------------------------------------------------------

export interface NewTask {
  group: number;
}

/**
 * alloc_pid() + dup_task_struct(): a fresh task slot with no filter, not yet on any
 * list (state ALIVE but invisible). Returns 0 when the table is full (EAGAIN).
 * Takes the pidmap lock (innermost).
 */
export function allocTask(ctx: Ctx, nt: NewTask): number {
  const slot = ctx.lock(LOCK_ID.PIDMAP, () => {
    const s = ctx.seam;
    const a = ctx.L.alloc;
    const free = s.load(a + ALLOC.TASK_FREE);
    if (free !== 0) {
      s.store(a + ALLOC.TASK_FREE, s.load(ctx.L.task(free - 1) + TASK.NEXT_FREE));
      return free - 1;
    }
    const bump = s.load(a + ALLOC.TASK_BUMP);
    if (bump >= ctx.L.cfg.maxTasks) return -1;
    s.store(a + ALLOC.TASK_BUMP, bump + 1);
    return bump;
  });
  if (slot < 0) return 0;
  const s = ctx.seam;
  const at = ctx.L.task(slot);
  s.store(at + TASK.GROUP, nt.group);
  s.store(at + TASK.TID, s.add(HDR.NEXT_TID, 1));
  s.astore(at + TASK.MODE, MODE.DISABLED);
  s.astore(at + TASK.HEAD, 0);
  s.astore(at + TASK.NNP, 0);
  s.store(at + TASK.NEXT, 0);
  s.store(at + TASK.PREVT, 0);
  s.store(at + TASK.FILTER_COUNT, 0);
  s.store(at + TASK.NEXT_FREE, 0);
  // invisible until linked; CLAIM is left alone (a worker may hold it while probing a free slot)
  s.astore(at + TASK.STATE, TSTATE.NEW);
  return makeHandle(slot, s.aload(at + TASK.GEN));
}

/** free_task(): return the slot; its generation is bumped so stale handles are caught. */
export function freeTask(ctx: Ctx, t: number): void {
  if (!checkTask(ctx, t, 'free_task')) return; // a double free would put the slot on the free list twice
  const slot = handleSlot(t);
  const at = ctx.L.task(slot);
  ctx.lock(LOCK_ID.PIDMAP, () => {
    const s = ctx.seam;
    s.astore(at + TASK.STATE, TSTATE.FREE);
    s.astore(at + TASK.GEN, (s.aload(at + TASK.GEN) + 1) & 0x7fff);
    s.store(at + TASK.NEXT_FREE, s.load(ctx.L.alloc + ALLOC.TASK_FREE));
    s.store(ctx.L.alloc + ALLOC.TASK_FREE, slot + 1);
  });
}

// ---- thread lists ------------------------------------------------------------------

export const groupAt = (ctx: Ctx, g: number): number => ctx.L.group(g);

/** list_add_tail_rcu(&p->thread_node, &signal->thread_head) in copy_process(). Expects tasklist_lock (write) and siglock held. */
export function linkThread(ctx: Ctx, g: number, t: number): void {
  ctx.assertHeld(LOCK_ID.TASKLIST, 'linkThread');
  ctx.assertHeld(ctx.L.siglock(g), 'linkThread');
  const s = ctx.seam;
  const ga = groupAt(ctx, g);
  const last = s.load(ga + GROUP.LAST);
  const at = taskAt(ctx, t);
  s.store(at + TASK.PREVT, last);
  s.store(at + TASK.NEXT, 0);
  if (last === 0) s.store(ga + GROUP.FIRST, t);
  else s.store(taskAt(ctx, last) + TASK.NEXT, t);
  s.store(ga + GROUP.LAST, t);
  s.astore(at + TASK.STATE, TSTATE.ALIVE);
  s.store(ga + GROUP.NR_THREADS, s.load(ga + GROUP.NR_THREADS) + 1);
  s.astore(ga + GROUP.NR_LIVE, s.aload(ga + GROUP.NR_LIVE) + 1);
}

/** list_del_rcu(&p->thread_node) in __unhash_process(). Expects tasklist_lock (write) and siglock held. */
export function unlinkThread(ctx: Ctx, g: number, t: number): void {
  ctx.assertHeld(LOCK_ID.TASKLIST, 'unlinkThread');
  ctx.assertHeld(ctx.L.siglock(g), 'unlinkThread');
  const s = ctx.seam;
  const ga = groupAt(ctx, g);
  const at = taskAt(ctx, t);
  const prev = s.load(at + TASK.PREVT);
  const next = s.load(at + TASK.NEXT);
  if (prev === 0) s.store(ga + GROUP.FIRST, next);
  else s.store(taskAt(ctx, prev) + TASK.NEXT, next);
  if (next === 0) s.store(ga + GROUP.LAST, prev);
  else s.store(taskAt(ctx, next) + TASK.PREVT, prev);
  s.store(ga + GROUP.NR_THREADS, s.load(ga + GROUP.NR_THREADS) - 1);
}

/**
 * for_each_thread(), as a loop with no closure (the TSYNC paths walk the list several
 * times per call): leader first, then creation order. Expects siglock held.
 *   for (let t = firstThread(ctx, g), n = 0; t !== 0; t = nextThread(ctx, g, t, ++n)) …
 * `n` counts the steps: a list longer than the task table does not end (a cycle).
 * `firstThread` asserts the contract for the walk; `nextThread` adds nothing per step.
 */
export function firstThread(ctx: Ctx, g: number): number {
  ctx.assertHeld(ctx.L.siglock(g), 'firstThread');
  return ctx.seam.load(groupAt(ctx, g) + GROUP.FIRST);
}

export function nextThread(ctx: Ctx, g: number, t: number, steps: number): number {
  if (steps > ctx.L.cfg.maxTasks) {
    ctx.violation('cycle', `thread list of group ${g} does not end`, [], []);
    return 0;
  }
  return ctx.seam.load(taskAt(ctx, t) + TASK.NEXT);
}

/** for_each_thread() with a callback (`fn` returning false stops the walk). Under siglock (firstThread asserts it). */
export function forEachThread(ctx: Ctx, g: number, fn: (t: number) => boolean | void): void {
  for (let t = firstThread(ctx, g), n = 0; t !== 0; t = nextThread(ctx, g, t, ++n)) if (fn(t) === false) return;
}

/** Tasks of a group, in list order. Under siglock (firstThread asserts it). */
export function threadsOf(ctx: Ctx, g: number): number[] {
  const out: number[] = [];
  forEachThread(ctx, g, (t) => {
    out.push(t);
  });
  return out;
}
