/**
 * Thread exit: do_exit() -> exit_signals() (PF_EXITING), seccomp_filter_release()
 * (6.11+: detach under siglock, release outside), then release_task() unlinks the
 * thread under tasklist_lock (write) -> siglock. A leader that exits while other
 * threads remain stays on the list as a zombie (EXITING) and is reaped with the
 * last of them.
 */
import { GROUP, LOCK_ID, TSTATE, TASK } from '../shared/layout.ts';
import { EV } from '../shared/events.ts';
import type { Ctx } from './context.ts';
import { putFilter } from './filter.ts';
import { clearHead, freeTask, groupAt, groupOf, headOf, taskAt, tidOf, unlinkThread, stateOf } from './task.ts';
import { membershipScope } from './process.ts';

export interface ExitResult {
  /** the whole group is gone (the last thread exited) */
  groupDead: boolean;
}

/** exit_signals(): PF_EXITING. Expects siglock held. */
export function markExiting(ctx: Ctx, g: number, t: number): void {
  ctx.assertHeld(ctx.L.siglock(g), 'markExiting');
  ctx.seam.astore(taskAt(ctx, t) + TASK.STATE, TSTATE.EXITING);
  ctx.seam.add(groupAt(ctx, g) + GROUP.NR_LIVE, -1);
}

/**
 * do_exit() up to release_task: exit_signals() under siglock, then
 * seccomp_filter_release() (6.11+): detach under siglock, put outside it.
 */
export function exitSignalsAndRelease(ctx: Ctx, g: number, t: number): void {
  ctx.lock(ctx.L.siglock(g), () => markExiting(ctx, g, t));
  // the 6.15 lockless fast path; safe here without 6.15's SIGNAL_GROUP_EXIT bail-out in
  // sync because PF_EXITING is always set under siglock (markExiting), so a TSYNC that
  // could still give this thread a filter has finished before we got here
  if (headOf(ctx, t) === 0) return;
  const orig = ctx.lock(ctx.L.siglock(g), () => clearHead(ctx, t));
  releasedFilter(ctx, t, orig);
}

/** The exiting thread's detached filter: drop its reference. */
export function releasedFilter(ctx: Ctx, t: number, orig: number): void {
  const tid = tidOf(ctx, t);
  ctx.ring.push(EV.EXIT, tid, orig);
  putFilter(ctx, orig, tid);
}

/** release_task(): unlink and free under tasklist_lock (write) -> siglock; reap a zombie leader with the last thread. */
export function releaseTask(ctx: Ctx, g: number, t: number): boolean {
  return ctx.lock(LOCK_ID.TASKLIST, () => ctx.lock(ctx.L.siglock(g), () => unlinkAndReap(ctx, g, t)));
}

/** __exit_signal + __unhash_process. Expects tasklist_lock (write) and siglock held. */
export function unlinkAndReap(ctx: Ctx, g: number, t: number): boolean {
  ctx.assertHeld(LOCK_ID.TASKLIST, 'unlinkAndReap');
  ctx.assertHeld(ctx.L.siglock(g), 'unlinkAndReap');
  const s = ctx.seam;
  const ga = groupAt(ctx, g);
  const leader = s.load(ga + GROUP.LEADER);
  if (t === leader && s.load(ga + GROUP.NR_THREADS) > 1) {
    s.astore(taskAt(ctx, t) + TASK.STATE, TSTATE.ZOMBIE); // done exiting; the last thread reaps it
    return false;
  }
  unlinkThread(ctx, g, t);
  freeTask(ctx, t);
  // reap the leader only once it is a zombie: a leader still inside its own exit unlinks itself
  if (s.load(ga + GROUP.NR_THREADS) === 1 && leader !== t && stateOf(ctx, leader) === TSTATE.ZOMBIE) {
    unlinkThread(ctx, g, leader); // reap the zombie leader
    freeTask(ctx, leader);
  }
  if (s.load(ga + GROUP.NR_THREADS) === 0) {
    s.astore(ga + GROUP.STATE, 0);
    return true;
  }
  return false;
}

export function exitThread(ctx: Ctx, t: number): ExitResult {
  const g = groupOf(ctx, t);
  return membershipScope(ctx, g, () => {
    ctx.ops.exitSignalsAndRelease(ctx, g, t);
    return { groupDead: ctx.ops.releaseTask(ctx, g, t) };
  });
}
