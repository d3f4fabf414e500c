/**
 * seccomp_set_mode_filter() pieces shared by every design: flag validation, the
 * prepare step (no locks held) and seccomp_attach_filter() for the caller alone.
 * Errno precedence: EINVAL (flags, program length), EACCES (no nnp, no privilege),
 * ENOMEM (arena exhausted, then the per-path instruction limit), then TSYNC.
 */
import type { Ctx } from './context.ts';
import { OK, fail, type OpResult } from './errors.ts';
import { KNOWN_FLAGS, type AttachRequest } from './design.ts';
import { allocNode, nodePath, MAX_INSNS, MAX_INSNS_PER_PATH, setNodePrev } from './filter.ts';
import { groupOf, headLocked, nnpOf, setHead, setFilterCount, filterCountOf, tidOf, setModeFilter } from './task.ts';
import { groupPrivileged } from './process.ts';
import { EV } from '../shared/events.ts';

/**
 * Steps 1–2 of seccomp_set_mode_filter(): validate flags, prepare the node.
 * Returns the prepared (unpublished) node handle, or an error.
 */
export function prepareFilter(ctx: Ctx, t: number, req: AttachRequest, knownFlags = KNOWN_FLAGS): number | OpResult {
  if ((req.flags & ~knownFlags) !== 0) return fail('EINVAL');
  if (!Number.isInteger(req.insns) || req.insns < 1 || req.insns > MAX_INSNS) return fail('EINVAL');
  if (!nnpOf(ctx, t) && !groupPrivileged(ctx, groupOf(ctx, t))) return fail('EACCES');
  const node = allocNode(ctx, req.label, req.insns);
  if (node === 0) return fail('ENOMEM');
  return node;
}

/** Step 8a: does `insns` more fit the instruction budget of `t`'s path? Expects siglock held. */
export function pathTooLong(ctx: Ctx, t: number, insns: number): boolean {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, t)), 'pathTooLong');
  const head = headLocked(ctx, t);
  return insns + nodePath(ctx, head) > MAX_INSNS_PER_PATH;
}

/**
 * Step 8d: link the prepared node on the caller: prev = old head (the caller's
 * reference on it moves into the link), publish, count. Expects siglock held.
 */
export function linkOnCaller(ctx: Ctx, t: number, node: number): void {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, t)), 'linkOnCaller');
  setNodePrev(ctx, node, headLocked(ctx, t));
  setHead(ctx, t, node, 'attach');
  setFilterCount(ctx, t, filterCountOf(ctx, t) + 1);
  ctx.ring.push(EV.ATTACH, tidOf(ctx, t), node);
}

/** A plain attach (no TSYNC): siglock, path check, link, mode. */
export function attachCallerOnly(ctx: Ctx, t: number, prepared: number, insns: number): OpResult {
  return ctx.lock(ctx.L.siglock(groupOf(ctx, t)), () => {
    if (pathTooLong(ctx, t, insns)) return fail('ENOMEM');
    linkOnCaller(ctx, t, prepared);
    setModeFilter(ctx, t);
    return OK;
  });
}
