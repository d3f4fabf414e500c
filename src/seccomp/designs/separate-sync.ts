/**
 * `separate-sync`: the pre-upstream (ChromeOS) design. attach touches only the
 * caller (no TSYNC flag exists); a separate `sync` op, allowed only once the caller
 * is in filter mode (else EACCES), takes tasklist_lock for write plus a per-task
 * lock (modelled by the group's siglock, which every seccomp writer takes here),
 * walks the other threads like while_each_thread, syncs each eligible thread at
 * once and keeps going past failures ("as many filters installed as possible"),
 * returning the LAST failing tid.
 *
 * Deviation, documented: exiting threads are skipped, because the model uses the
 * 6.11+ exit (release at do_exit); syncing them would leak (bug B11-ii).
 *
 * As in the ChromeOS code (reference §5.1), no_new_privs is spread only to threads
 * that were still DISABLED; a thread already in FILTER mode keeps its own nnp.
 */
import { LOCK_ID, MODE, TASK, GROUP } from '../../shared/layout.ts';
import type { Ctx } from '../context.ts';
import { COMMON_OPS, type AttachRequest, type Design } from '../design.ts';
import { OK, fail, tsyncFailed, type OpResult } from '../errors.ts';
import { discardNode, chainHasLabel, nodeLabel } from '../filter.ts';
import { groupOf, headLocked, exitingLocked, modeOf, taskAt, tidOf } from '../task.ts';
import { attachCallerOnly, prepareFilter } from '../attach.ts';
import { eligible } from '../tsync.ts';
import { recordTsync } from '../checks.ts';

function attach(ctx: Ctx, t: number, req: AttachRequest): OpResult {
  const prepared = prepareFilter(ctx, t, req, 0);
  if (typeof prepared !== 'number') return prepared;
  const r = attachCallerOnly(ctx, t, prepared, req.insns);
  if (!r.ok) discardNode(ctx, prepared);
  return r;
}

/** while_each_thread(caller, t): every other thread, starting after the caller. Expects tasklist_lock held. */
function otherThreads(ctx: Ctx, caller: number, g: number): number[] {
  ctx.assertHeld(LOCK_ID.TASKLIST, 'otherThreads');
  const out: number[] = [];
  let bound = ctx.L.cfg.maxTasks + 1;
  let th = ctx.seam.load(taskAt(ctx, caller) + TASK.NEXT);
  for (;;) {
    if (th === 0) th = ctx.seam.load(ctx.L.group(g) + GROUP.FIRST);
    if (th === caller || th === 0 || --bound < 0) break;
    out.push(th);
    th = ctx.seam.load(taskAt(ctx, th) + TASK.NEXT);
  }
  return out;
}

function sync(ctx: Ctx, t: number): OpResult {
  if (modeOf(ctx, t) !== MODE.FILTER) return fail('EACCES');
  const g = groupOf(ctx, t);
  return ctx.lock(LOCK_ID.TASKLIST, () => {
    let failed = 0;
    for (const th of otherThreads(ctx, t, g)) {
      ctx.lock(ctx.L.siglock(g), () => {
        if (exitingLocked(ctx, th)) return;
        if (eligible(ctx, th, headLocked(ctx, t))) ctx.ops.syncThread(ctx, t, th, true); // nnp only to DISABLED threads (§5.1)
        else failed = tidOf(ctx, th); // keep the last sibling that failed
      });
    }
    if (failed !== 0) return tsyncFailed(failed);
    if (ctx.checking) checkAllCarry(ctx, t, g);
    return OK;
  });
}

/** After a sync with no failure, every live thread carries the caller's head. Expects tasklist_lock held. */
function checkAllCarry(ctx: Ctx, t: number, g: number): void {
  ctx.assertHeld(LOCK_ID.TASKLIST, 'checkAllCarry');
  ctx.lock(ctx.L.siglock(g), () => {
    const head = headLocked(ctx, t);
    const label = nodeLabel(ctx, head);
    for (const th of otherThreads(ctx, t, g)) {
      if (exitingLocked(ctx, th)) continue;
      if (!chainHasLabel(ctx, headLocked(ctx, th), label)) {
        ctx.violation('tsync-postcondition', `thread ${tidOf(ctx, th)} lacks filter ${label} after a clean sync`, [tidOf(ctx, th)], [head]);
        return;
      }
    }
    recordTsync(ctx, g, label);
  });
}

export const separateSync: Design = {
  name: 'separate-sync',
  summary: 'pre-upstream: attach alone, then a separate sync under tasklist_lock; partial success, last failing tid',
  attach,
  sync,
  hasSyncOp: true,
  /** no TSYNC flag exists: install on ourselves, then sync the others */
  tsync(ctx: Ctx, t: number, req: AttachRequest): OpResult {
    const r = attach(ctx, t, { ...req, flags: 0 });
    return r.ok ? sync(ctx, t) : r;
  },
  uses: [...COMMON_OPS, 'syncThread'],
};
