/**
 * `merged`: TSYNC as merged in Linux 3.17 with 6.11+ exit semantics.
 * seccomp(SET_MODE_FILTER, flags): prepare (no locks) -> [cred_guard_mutex] ->
 * siglock -> path check -> can_sync (first failing tid; nothing changed) ->
 * attach to caller -> sync every other non-exiting thread -> mode FILTER
 * (src/seccomp/tsync.ts, in the kernel's steps).
 */
import type { Ctx } from '../context.ts';
import { COMMON_OPS, FLAG, noSync, tsyncByFlag, type AttachRequest, type Design } from '../design.ts';
import type { OpResult } from '../errors.ts';
import { discardNode } from '../filter.ts';
import { attachCallerOnly, prepareFilter } from '../attach.ts';
import { tsyncAttach } from '../tsync.ts';

function attach(ctx: Ctx, t: number, req: AttachRequest): OpResult {
  const prepared = prepareFilter(ctx, t, req);
  if (typeof prepared !== 'number') return prepared;
  if ((req.flags & FLAG.TSYNC) !== 0) return tsyncAttach(ctx, t, prepared, req);
  const r = attachCallerOnly(ctx, t, prepared, req.insns);
  if (!r.ok) discardNode(ctx, prepared);
  return r;
}

export const merged: Design = {
  name: 'merged',
  summary: 'Linux as merged (3.17, 6.11+ exit): one atomic add-to-all under cred_guard_mutex + siglock; first failing tid',
  attach,
  sync: noSync,
  hasSyncOp: false,
  tsync: tsyncByFlag,
  uses: [...COMMON_OPS, 'tsyncLocks', 'attachFilter', 'canSyncThreads', 'syncThreads', 'syncThread'],
};
