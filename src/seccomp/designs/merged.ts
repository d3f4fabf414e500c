/**
 * `merged`: TSYNC as merged in Linux 3.17 with 6.11+ exit semantics.
 * seccomp(SET_MODE_FILTER, flags): prepare (no locks) -> [cred_guard_mutex] ->
 * siglock -> path check -> can_sync (first failing tid; nothing changed) ->
 * attach to caller -> sync every other non-exiting thread -> mode FILTER.
 */
import type { Ctx } from '../context.ts';
import { COMMON_OPS, FLAG, noSync, tsyncByFlag, type AttachRequest, type Design } from '../design.ts';
import { OK, fail, tsyncFailed, type OpResult } from '../errors.ts';
import { discardNode } from '../filter.ts';
import { groupOf, setModeFilter, tidOf } from '../task.ts';
import { attachCallerOnly, linkOnCaller, pathTooLong, prepareFilter } from '../attach.ts';
import { snapshotGroup, checkUnchanged, checkTsyncDone } from '../checks.ts';
import { tsyncCritical } from '../process.ts';
import { EV } from '../../shared/events.ts';

function attach(ctx: Ctx, t: number, req: AttachRequest): OpResult {
  const prepared = prepareFilter(ctx, t, req);
  if (typeof prepared !== 'number') return prepared;
  if ((req.flags & FLAG.TSYNC) !== 0) return ctx.ops.tsyncAttach(ctx, t, prepared, req);
  const r = attachCallerOnly(ctx, t, prepared, req.insns);
  if (!r.ok) discardNode(ctx, prepared);
  return r;
}

/**
 * The TSYNC path after the prepare step. It owns `prepared`: linked on success,
 * freed (never attached) on failure.
 */
export function tsyncAttach(ctx: Ctx, t: number, prepared: number, req: AttachRequest): OpResult {
  const g = groupOf(ctx, t);
  const r = tsyncCritical(ctx, g, () => tsyncLocked(ctx, t, g, prepared, req));
  if (!r.ok) discardNode(ctx, prepared);
  return r;
}

/** Expects cred_guard_mutex and siglock held. */
function tsyncLocked(ctx: Ctx, t: number, g: number, prepared: number, req: AttachRequest): OpResult {
  ctx.assertHeld(ctx.L.credGuard(g), 'tsyncLocked');
  ctx.assertHeld(ctx.L.siglock(g), 'tsyncLocked');
  if (pathTooLong(ctx, t, req.insns)) return fail('ENOMEM');
  const before = ctx.checking ? snapshotGroup(ctx, g) : null;
  const failed = ctx.ops.canSyncThreads(ctx, t);
  if (failed !== 0) {
    if (before) checkUnchanged(ctx, g, before, 'tsync');
    ctx.ring.push(EV.TSYNC_FAIL, tidOf(ctx, t), failed);
    return (req.flags & FLAG.TSYNC_ESRCH) !== 0 ? fail('ESRCH') : tsyncFailed(failed);
  }
  linkOnCaller(ctx, t, prepared);
  ctx.ops.syncThreads(ctx, t);
  setModeFilter(ctx, t);
  ctx.ring.push(EV.TSYNC_OK, tidOf(ctx, t), prepared);
  if (ctx.checking) checkTsyncDone(ctx, g, t, prepared, true);
  return OK;
}

export const merged: Design = {
  name: 'merged',
  summary: 'Linux as merged (3.17, 6.11+ exit): one atomic add-to-all under cred_guard_mutex + siglock; first failing tid',
  attach,
  sync: noSync,
  hasSyncOp: false,
  tsync: tsyncByFlag,
  uses: [...COMMON_OPS, 'tsyncAttach', 'canSyncThreads', 'syncThreads', 'syncThread'],
};
