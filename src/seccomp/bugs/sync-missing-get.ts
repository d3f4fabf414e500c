/**
 * Synthetic: the sync step forgets get_seccomp_filter() on the caller's filter, so
 * each synced thread holds a reference nobody counted: refcounts underflow and nodes
 * are freed while still in use.
 */
import { MODE } from '../../shared/layout.ts';
import type { Ctx } from '../context.ts';
import { putFilter } from '../filter.ts';
import { filterCountOf, groupOf, headLocked, modeLocked, nnpOf, setFilterCount, setHead, setModeFilter, setNnp, tidOf } from '../task.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'sync-missing-get': true;
  }
}

function syncThreadWithoutGet(ctx: Ctx, caller: number, t: number, nnpIfDisabledOnly: boolean): void {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, t)), 'syncThread');
  const spreadNnp = !nnpIfDisabledOnly || modeLocked(ctx, t) === MODE.DISABLED;
  const head = headLocked(ctx, caller);
  // BUG: no getFilter(head)
  putFilter(ctx, headLocked(ctx, t), tidOf(ctx, t));
  setHead(ctx, t, head, 'tsync');
  setFilterCount(ctx, t, filterCountOf(ctx, caller));
  if (spreadNnp && nnpOf(ctx, caller) && !nnpOf(ctx, t)) setNnp(ctx, t); // a set-only flag
  if (modeLocked(ctx, t) === MODE.DISABLED) setModeFilter(ctx, t);
}

export default defineBug({
  name: 'sync-missing-get',
  origin: 'synthetic: sync pass forgets get_seccomp_filter(caller)',
  catches: ['use-after-free', 'refcount-underflow'],
  effect: 'refcount underflow: nodes freed while still in use',
  noise: 0,
  ops: { syncThread: syncThreadWithoutGet },
});
