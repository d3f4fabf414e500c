/**
 * `force-compose`: TSYNC never fails on divergence. Under cred_guard_mutex and
 * siglock, threads whose filter is on the caller's chain (or who have none) move to
 * the new node, exactly as in `merged`; every divergent thread gets a new node with
 * the same program composed on top of its own chain (the result it would have had
 * attaching the filter itself after ours). Resource errors (ENOMEM: arena or a
 * thread's instruction budget) are found before anything changes, so it stays
 * all-or-nothing.
 *
 * Model simplification: the composed nodes are allocated inside the siglock hold (the
 * arena lock nests inside it). A kernel could not sleep there; it would have to count
 * the divergent threads, allocate outside the lock and re-check, which this design
 * question (what should TSYNC mean for divergent threads?) does not need.
 */
import type { Ctx } from '../context.ts';
import { COMMON_OPS, FLAG, noSync, tsyncByFlag, type AttachRequest, type Design } from '../design.ts';
import { OK, fail, type OpResult } from '../errors.ts';
import { allocNode, discardNode } from '../filter.ts';
import { forEachThread, groupOf, headLocked, exitingLocked, setModeFilter } from '../task.ts';
import { attachCallerOnly, linkOnCaller, pathTooLong, prepareFilter } from '../attach.ts';
import { eligible } from '../tsync.ts';
import { checkTsyncDone } from '../checks.ts';
import { tsyncCritical } from '../process.ts';

function attach(ctx: Ctx, t: number, req: AttachRequest): OpResult {
  const prepared = prepareFilter(ctx, t, req);
  if (typeof prepared !== 'number') return prepared;
  const g = groupOf(ctx, t);
  const r =
    (req.flags & FLAG.TSYNC) === 0
      ? attachCallerOnly(ctx, t, prepared, req.insns)
      : tsyncCritical(ctx, g, () => forceAll(ctx, t, g, prepared, req));
  if (!r.ok) discardNode(ctx, prepared);
  return r;
}

/** Expects cred_guard_mutex and siglock held. */
function forceAll(ctx: Ctx, t: number, g: number, prepared: number, req: AttachRequest): OpResult {
  ctx.assertHeld(ctx.L.credGuard(g), 'forceAll');
  ctx.assertHeld(ctx.L.siglock(g), 'forceAll');
  const callerHead = headLocked(ctx, t);
  if (pathTooLong(ctx, t, req.insns)) return fail('ENOMEM');
  const move: number[] = [];
  const compose: { th: number; node: number }[] = [];
  let err: OpResult | null = null;
  forEachThread(ctx, g, (th) => {
    if (th === t || exitingLocked(ctx, th)) return true;
    if (eligible(ctx, th, callerHead)) {
      move.push(th);
      return true;
    }
    if (pathTooLong(ctx, th, req.insns)) {
      err = fail('ENOMEM');
      return false;
    }
    const node = allocNode(ctx, req.label, req.insns);
    if (node === 0) {
      err = fail('ENOMEM');
      return false;
    }
    compose.push({ th, node });
    return true;
  });
  if (err !== null) {
    for (const c of compose) discardNode(ctx, c.node);
    return err;
  }
  linkOnCaller(ctx, t, prepared);
  for (const th of move) ctx.ops.syncThread(ctx, t, th, false);
  for (const { th, node } of compose) ctx.ops.composeThread(ctx, t, th, node);
  setModeFilter(ctx, t);
  if (ctx.checking) checkTsyncDone(ctx, g, t, prepared, false);
  return OK;
}

export const forceCompose: Design = {
  name: 'force-compose',
  summary: 'TSYNC never fails on divergence: divergent threads get the program composed on their own chain',
  attach,
  sync: noSync,
  hasSyncOp: false,
  tsync: tsyncByFlag,
  uses: [...COMMON_OPS, 'syncThread', 'composeThread'],
};
