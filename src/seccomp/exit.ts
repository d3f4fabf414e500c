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

/**
 * exit_signals(): PF_EXITING. Expects siglock held (the exit-release-unlocked bug
 * calls it without, as a single-threaded or group exit would: asserts are off then).
 */
function markExiting(ctx: Ctx, g: number, t: number): void {
  ctx.assertHeld(ctx.L.siglock(g), 'markExiting');
  ctx.seam.astore(taskAt(ctx, t) + TASK.STATE, TSTATE.EXITING);
  ctx.seam.add(groupAt(ctx, g) + GROUP.NR_LIVE, -1);
}

/** seccomp_filter_release(tsk): detach under siglock, then orphan+put outside it. */
function filterRelease(ctx: Ctx, g: number, t: number): void {
  const tid = tidOf(ctx, t);
  let orig: number;
  if (ctx.bug === 'exit-release-unlocked') {
    // B11-i: read and clear without siglock while a TSYNC may be swapping the head
    orig = headOf(ctx, t);
    ctx.seam.window(2);
    clearHead(ctx, t);
  } else {
    // the 6.15 lockless fast path; safe here without 6.15's SIGNAL_GROUP_EXIT bail-out in
    // sync because PF_EXITING is always set under siglock (markExiting), so a TSYNC that
    // could still give this thread a filter has finished before we got here
    if (headOf(ctx, t) === 0) return;
    orig = ctx.lock(ctx.L.siglock(g), () => clearHead(ctx, t));
  }
  ctx.ring.push(EV.EXIT, tid, orig);
  putFilter(ctx, orig, tid);
}

/** release_task(): unlink and free; reap a zombie leader with the last thread. */
function releaseTask(ctx: Ctx, g: number, t: number): boolean {
  if (ctx.bug === 'lock-order-inversion') return ctx.lock(ctx.L.siglock(g), () => ctx.lock(LOCK_ID.TASKLIST, () => unlinkAndReap(ctx, g, t)));
  return ctx.lock(LOCK_ID.TASKLIST, () => ctx.lock(ctx.L.siglock(g), () => unlinkAndReap(ctx, g, t)));
}

/** __exit_signal + __unhash_process. Expects tasklist_lock (write) and siglock held. */
function unlinkAndReap(ctx: Ctx, g: number, t: number): boolean {
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
    if (ctx.bug === 'exit-release-unlocked') {
      ctx.seam.window(6);
      markExiting(ctx, g, t);
    } else ctx.lock(ctx.L.siglock(g), () => markExiting(ctx, g, t));
    filterRelease(ctx, g, t);
    return { groupDead: releaseTask(ctx, g, t) };
  });
}
