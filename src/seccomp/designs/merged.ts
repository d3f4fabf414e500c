/**
 * `merged`: TSYNC as merged in Linux 3.17 with 6.11+ exit semantics.
 * seccomp(SET_MODE_FILTER, flags): prepare (no locks) -> [cred_guard_mutex] ->
 * siglock -> path check -> can_sync (first failing tid; nothing changed) ->
 * attach to caller -> sync every other non-exiting thread -> mode FILTER.
 */
import type { Ctx } from '../context.ts';
import { FLAG, noSync, tsyncByFlag, type AttachRequest, type Design } from '../design.ts';
import { OK, fail, tsyncFailed, type OpResult } from '../errors.ts';
import { discardNode } from '../filter.ts';
import { checkTask, exitingLocked, groupOf, headLocked, headOf, setModeFilter, taskAt, tidOf, threadsOf } from '../task.ts';
import { TASK, GROUP } from '../../shared/layout.ts';
import { attachCallerOnly, linkOnCaller, pathTooLong, prepareFilter } from '../attach.ts';
import { canSyncThreads, syncThreads, eligible, syncThread } from '../tsync.ts';
import { snapshotGroup, checkUnchanged, checkTsyncDone } from '../checks.ts';
import { tsyncScope } from '../process.ts';
import { EV } from '../../shared/events.ts';

function attach(ctx: Ctx, t: number, req: AttachRequest): OpResult {
  const prepared = prepareFilter(ctx, t, req);
  if (typeof prepared !== 'number') return prepared;
  const g = groupOf(ctx, t);
  const tsync = (req.flags & FLAG.TSYNC) !== 0;
  let r: OpResult;
  if (!tsync) {
    r = attachCallerOnly(ctx, t, prepared, req.insns);
  } else {
    r = ctx.lock(ctx.L.credGuard(g), () => tsyncScope(ctx, g, () => tsyncAttach(ctx, t, g, prepared, req)));
  }
  // a failed attach frees the never-attached node (attach-before-check leaves it linked)
  if (!r.ok && headOf(ctx, t) !== prepared) discardNode(ctx, prepared);
  return r;
}

/** The TSYNC path. Expects cred_guard_mutex held; takes siglock. */
function tsyncAttach(ctx: Ctx, t: number, g: number, prepared: number, req: AttachRequest): OpResult {
  const esrch = (req.flags & FLAG.TSYNC_ESRCH) !== 0;
  if (ctx.bug === 'check-unlocked' || ctx.bug === 'walk-unlocked-list') return tsyncSplit(ctx, t, g, prepared, req, esrch);
  return ctx.lock(ctx.L.siglock(g), () => {
    if (pathTooLong(ctx, t, req.insns)) return fail('ENOMEM');
    const before = ctx.checking ? snapshotGroup(ctx, g) : null;
    if (ctx.bug === 'partial-tsync') return partialTsync(ctx, t, g, prepared, esrch, before);
    const early = ctx.bug === 'attach-before-check';
    if (early) linkOnCaller(ctx, t, prepared); // B15: link first, check after, never unlink
    const failed = canSyncThreads(ctx, t);
    if (failed !== 0) {
      if (before) checkUnchanged(ctx, g, before, 'tsync');
      ctx.ring.push(EV.TSYNC_FAIL, tidOf(ctx, t), failed);
      return esrch ? fail('ESRCH') : tsyncFailed(failed);
    }
    if (!early) linkOnCaller(ctx, t, prepared);
    syncThreads(ctx, t);
    setModeFilter(ctx, t);
    ctx.ring.push(EV.TSYNC_OK, tidOf(ctx, t), prepared);
    if (ctx.checking) checkTsyncDone(ctx, g, t, prepared, true);
    return OK;
  });
}

/** B3: check and apply each thread in one pass, continuing past failures. Expects siglock held. */
function partialTsync(ctx: Ctx, t: number, g: number, prepared: number, esrch: boolean, before: ReturnType<typeof snapshotGroup> | null): OpResult {
  const oldHead = headLocked(ctx, t);
  linkOnCaller(ctx, t, prepared);
  setModeFilter(ctx, t);
  let failed = 0;
  for (const th of threadsOf(ctx, g)) {
    if (th === t || exitingLocked(ctx, th)) continue; // B3 only: exiting threads are skipped as in 6.11+
    if (eligible(ctx, th, oldHead)) syncThread(ctx, t, th);
    else if (failed === 0) failed = tidOf(ctx, th);
  }
  if (failed !== 0) {
    if (before) checkUnchanged(ctx, g, before, 'partial-tsync');
    return esrch ? fail('ESRCH') : tsyncFailed(failed);
  }
  if (ctx.checking) checkTsyncDone(ctx, g, t, prepared, true);
  return OK;
}

/**
 * check-unlocked / walk-unlocked-list: the eligibility check and the commit are not
 * one siglock hold (or the list walk holds no siglock at all).
 */
function tsyncSplit(ctx: Ctx, t: number, g: number, prepared: number, req: AttachRequest, esrch: boolean): OpResult {
  let threads: number[];
  if (ctx.bug === 'walk-unlocked-list') {
    threads = unlockedWalk(ctx, t, g);
  } else {
    threads = ctx.lock(ctx.L.siglock(g), () => threadsOf(ctx, g));
  }
  const failed = ctx.lock(ctx.L.siglock(g), () => {
    const callerHead = headLocked(ctx, t);
    for (const th of threads) if (th !== t && !eligible(ctx, th, callerHead)) return tidOf(ctx, th);
    return 0;
  });
  if (failed !== 0) return esrch ? fail('ESRCH') : tsyncFailed(failed);
  ctx.seam.window(4); // between the check's hold and the commit's hold
  return ctx.lock(ctx.L.siglock(g), () => {
    if (pathTooLong(ctx, t, req.insns)) return fail('ENOMEM');
    linkOnCaller(ctx, t, prepared);
    const list = ctx.bug === 'walk-unlocked-list' ? threads : threadsOf(ctx, g);
    for (const th of list) if (th !== t && !isGone(ctx, th)) syncThread(ctx, t, th);
    setModeFilter(ctx, t);
    if (ctx.checking) checkTsyncDone(ctx, g, t, prepared, true);
    return OK;
  });
}


/** while_each_thread(caller) with no lock held: a stale slot is a use-after-free. */
function unlockedWalk(ctx: Ctx, caller: number, g: number): number[] {
  const out: number[] = [caller];
  let bound = ctx.L.cfg.maxTasks + 1;
  let th = ctx.seam.load(taskAt(ctx, caller) + TASK.NEXT);
  for (;;) {
    if (th === 0) th = ctx.seam.load(ctx.L.group(g) + GROUP.FIRST); // wrap around
    if (th === caller || th === 0) break;
    if (--bound < 0) {
      ctx.violation('livelock', `unlocked thread-list walk from ${tidOf(ctx, caller)} never returned to it`, [tidOf(ctx, caller)]);
      break;
    }
    if (!checkTask(ctx, th, 'while_each_thread')) break;
    out.push(th);
    ctx.seam.window(5);
    th = ctx.seam.load(taskAt(ctx, th) + TASK.NEXT);
  }
  return out;
}

function isGone(ctx: Ctx, th: number): boolean {
  return !checkTask(ctx, th, 'tsync commit') || exitingLocked(ctx, th);
}

export const merged: Design = {
  name: 'merged',
  summary: 'Linux as merged (3.17, 6.11+ exit): one atomic add-to-all under cred_guard_mutex + siglock; first failing tid',
  attach,
  sync: noSync,
  hasSyncOp: false,
  tsync: tsyncByFlag,
};
