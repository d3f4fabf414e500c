/**
 * TSYNC as merged in Linux (6.11+ semantics): seccomp_can_sync_threads (may we?)
 * and seccomp_sync_threads (do it; cannot fail), both under one siglock hold,
 * with cred_guard_mutex taken first by the caller. Other threads are moved one at a
 * time by `syncThread`, which the other designs share.
 */
import { MODE } from '../shared/layout.ts';
import type { Ctx } from './context.ts';
import { isAncestor, getFilter, putFilter, setNodePrev } from './filter.ts';
import { firstThread, nextThread, groupOf, headLocked, exitingLocked, modeLocked, nnpOf, setHead, setModeFilter, setNnp, tidOf, filterCountOf, setFilterCount } from './task.ts';

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
