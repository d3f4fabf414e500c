/**
 * TSYNC as merged in Linux (6.11+ semantics), in the kernel's steps, each one an
 * overridable operation (ops.ts) so that a seeded bug replaces the one it breaks:
 *
 *   tsyncAttach     seccomp_set_mode_filter() with TSYNC, after the prepare step
 *   └ tsyncLocks    the lock taking: cred_guard_mutex, [scope lock], siglock: ONE hold
 *     ├ attachFilter    seccomp_attach_filter() up to the link: path limit, then
 *     │ └ canSyncThreads    seccomp_can_sync_threads() (may we?), then the link
 *     └ tsyncCommit     seccomp_sync_threads() (do it; cannot fail), the caller's mode
 *       └ syncThreads   every other live thread, each by
 *         └ syncThread  sync-one (get, put, publish, count, nnp, mode), shared by every design
 */
import { MODE } from '../shared/layout.ts';
import { EV } from '../shared/events.ts';
import type { Ctx } from './context.ts';
import { FLAG, type AttachRequest } from './design.ts';
import { OK, fail, tsyncFailed, type OpResult } from './errors.ts';
import { isAncestor, getFilter, putFilter, setNodePrev, discardNode } from './filter.ts';
import { firstThread, nextThread, groupOf, headLocked, exitingLocked, modeLocked, nnpOf, setHead, setModeFilter, setNnp, tidOf, filterCountOf, setFilterCount } from './task.ts';
import { linkOnCaller, pathTooLong } from './attach.ts';
import { checkTsyncDone, checkUnchanged, snapshotGroup, type GroupSnapshot } from './checks.ts';
import { tsyncCritical } from './process.ts';

/** One TSYNC call in flight: what its steps share. */
export interface TsyncCall {
  readonly caller: number;
  readonly group: number;
  /** the prepared (not yet published) node */
  readonly prepared: number;
  readonly req: AttachRequest;
  /** set by `linkPrepared`: the node is on the caller's chain, the tree owns it */
  linked: boolean;
}

/**
 * seccomp_set_mode_filter() with TSYNC, after the prepare step. It owns `prepared`:
 * linked on success; on failure freed by seccomp_filter_free(), which is only for a
 * node that was never attached.
 */
export function tsyncAttach(ctx: Ctx, t: number, prepared: number, req: AttachRequest): OpResult {
  const call: TsyncCall = { caller: t, group: groupOf(ctx, t), prepared, req, linked: false };
  const r = ctx.ops.tsyncLocks(ctx, call);
  if (!r.ok && !call.linked) discardNode(ctx, prepared);
  return r;
}

/**
 * The lock taking: cred_guard_mutex -> [the scope lock] -> siglock, and both passes
 * in ONE siglock hold, so that no thread changes between "may we?" and "do it".
 */
export function tsyncLocks(ctx: Ctx, call: TsyncCall): OpResult {
  return tsyncCritical(ctx, call.group, () => ctx.ops.attachFilter(ctx, call) ?? tsyncCommit(ctx, call));
}

/**
 * seccomp_attach_filter() with TSYNC, up to the link: the path limit (ENOMEM), then
 * seccomp_can_sync_threads(), then the new node on the caller. Returns the refusal,
 * or null once linked. Expects siglock held.
 */
export function attachFilter(ctx: Ctx, call: TsyncCall): OpResult | null {
  ctx.assertHeld(ctx.L.siglock(call.group), 'attachFilter');
  if (pathTooLong(ctx, call.caller, call.req.insns)) return fail('ENOMEM');
  const before = ctx.checking ? snapshotGroup(ctx, call.group) : null;
  const failed = ctx.ops.canSyncThreads(ctx, call.caller);
  if (failed !== 0) return tsyncRefused(ctx, call, failed, before);
  linkPrepared(ctx, call);
  return null;
}

/** Step 8d on the caller: link `prepared` (attach.ts) and record that the tree owns it. Under siglock (linkOnCaller asserts it). */
export function linkPrepared(ctx: Ctx, call: TsyncCall): void {
  linkOnCaller(ctx, call.caller, call.prepared);
  call.linked = true;
}

/**
 * A refused TSYNC: the tid of the thread that may not sync (or ESRCH with
 * TSYNC_ESRCH). Checker: nothing changed since `before`. Under siglock (checkUnchanged
 * asserts it when checking).
 */
export function tsyncRefused(ctx: Ctx, call: TsyncCall, failed: number, before: GroupSnapshot | null): OpResult {
  if (before) checkUnchanged(ctx, call.group, before, 'tsync');
  ctx.ring.push(EV.TSYNC_FAIL, tidOf(ctx, call.caller), failed);
  return (call.req.flags & FLAG.TSYNC_ESRCH) !== 0 ? fail('ESRCH') : tsyncFailed(failed);
}

/** The commit, once linked: seccomp_sync_threads(), then the caller's mode. Under cred_guard_mutex and siglock (syncThreads asserts them). */
export function tsyncCommit(ctx: Ctx, call: TsyncCall): OpResult {
  ctx.ops.syncThreads(ctx, call.caller);
  return tsyncDone(ctx, call);
}

/** After the others are synced: the caller's mode (step 9). Checker: the TSYNC postcondition. Under siglock (setModeFilter asserts it). */
export function tsyncDone(ctx: Ctx, call: TsyncCall): OpResult {
  setModeFilter(ctx, call.caller);
  ctx.ring.push(EV.TSYNC_OK, tidOf(ctx, call.caller), call.prepared);
  if (ctx.checking) checkTsyncDone(ctx, call.group, call.caller, call.prepared, true);
  return OK;
}

/** Is thread `t` eligible to be moved onto the caller's (pre-attach) chain? Expects siglock held. */
export function eligible(ctx: Ctx, t: number, callerHead: number): boolean {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, t)), 'eligible');
  const mode = modeLocked(ctx, t);
  if (mode === MODE.DISABLED) return true;
  return mode === MODE.FILTER && isAncestor(ctx, headLocked(ctx, t), callerHead);
}

/**
 * seccomp_can_sync_threads(): 0 if every other non-exiting thread is eligible,
 * else the tid of the FIRST ineligible one in list order.
 * Expects cred_guard_mutex and siglock held.
 */
export function canSyncThreads(ctx: Ctx, caller: number): number {
  const g = groupOf(ctx, caller);
  ctx.assertHeld(ctx.L.credGuard(g), 'canSyncThreads');
  ctx.assertHeld(ctx.L.siglock(g), 'canSyncThreads');
  const callerHead = headLocked(ctx, caller);
  for (let t = firstThread(ctx, g), n = 0; t !== 0; t = nextThread(ctx, g, t, ++n)) {
    if (t === caller) continue; // skip the initiator
    if (exitingLocked(ctx, t)) continue; // 6.11+: its filter may already be released
    if (!eligible(ctx, t, callerHead)) return tidOf(ctx, t);
  }
  return 0;
}

/**
 * Move one thread onto the caller's filter: get the new head before dropping the
 * old one, publish, copy the caller's filter_count, spread nnp, set mode.
 * Expects siglock held.
 * `nnpIfDisabledOnly`: the pre-upstream sync (reference §5.1) and v8 spread nnp
 * only to threads that were not yet in FILTER mode; merged (v9+) spreads it to all.
 */
export function syncThread(ctx: Ctx, caller: number, t: number, nnpIfDisabledOnly: boolean): void {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, t)), 'syncThread');
  const spreadNnp = !nnpIfDisabledOnly || modeLocked(ctx, t) === MODE.DISABLED;
  const head = headLocked(ctx, caller);
  const tid = tidOf(ctx, t);
  getFilter(ctx, head, tid);
  putFilter(ctx, headLocked(ctx, t), tid);
  setHead(ctx, t, head, 'tsync');
  setFilterCount(ctx, t, filterCountOf(ctx, caller));
  if (spreadNnp && nnpOf(ctx, caller) && !nnpOf(ctx, t)) setNnp(ctx, t); // a set-only flag
  if (modeLocked(ctx, t) === MODE.DISABLED) setModeFilter(ctx, t);
}

/**
 * seccomp_sync_threads(): cannot fail. Expects cred_guard_mutex and siglock held.
 */
export function syncThreads(ctx: Ctx, caller: number): void {
  const g = groupOf(ctx, caller);
  ctx.assertHeld(ctx.L.credGuard(g), 'syncThreads');
  ctx.assertHeld(ctx.L.siglock(g), 'syncThreads');
  for (let t = firstThread(ctx, g), n = 0; t !== 0; t = nextThread(ctx, g, t, ++n)) {
    if (t === caller) continue;
    if (exitingLocked(ctx, t)) continue; // its release may have run
    ctx.ops.syncThread(ctx, caller, t, false);
  }
}

/**
 * force-compose: a divergent thread gets the new program (`node`, allocated for it)
 * composed on top of its own chain; its reference on the old head moves into the link.
 * Expects siglock held.
 */
export function composeThread(ctx: Ctx, caller: number, t: number, node: number): void {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, t)), 'composeThread');
  setNodePrev(ctx, node, headLocked(ctx, t));
  setHead(ctx, t, node, 'force-compose');
  setFilterCount(ctx, t, filterCountOf(ctx, t) + 1);
  if (nnpOf(ctx, caller) && !nnpOf(ctx, t)) setNnp(ctx, t);
}
