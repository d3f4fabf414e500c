/**
 * B8: c818c03b661c, fixed by b4d8a58f8dcf (2021): TSYNC copied filter_count from the
 * synced thread itself instead of the caller, so /proc's Seccomp_filters no longer
 * matches the thread's chain.
 */
import { MODE } from '../../shared/layout.ts';
import type { Ctx } from '../context.ts';
import { getFilter, putFilter } from '../filter.ts';
import { filterCountOf, groupOf, headLocked, modeLocked, nnpOf, setFilterCount, setHead, setModeFilter, setNnp, tidOf } from '../task.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'filter-count-self-copy': true;
  }
}

function syncThreadCountingSelf(ctx: Ctx, caller: number, t: number, nnpIfDisabledOnly: boolean): void {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, t)), 'syncThread');
  const spreadNnp = !nnpIfDisabledOnly || modeLocked(ctx, t) === MODE.DISABLED;
  const head = headLocked(ctx, caller);
  const tid = tidOf(ctx, t);
  getFilter(ctx, head, tid);
  putFilter(ctx, headLocked(ctx, t), tid);
  setHead(ctx, t, head, 'tsync');
  setFilterCount(ctx, t, filterCountOf(ctx, t)); // BUG: the thread's own count, not the caller's
  if (spreadNnp && nnpOf(ctx, caller) && !nnpOf(ctx, t)) setNnp(ctx, t); // a set-only flag
  if (modeLocked(ctx, t) === MODE.DISABLED) setModeFilter(ctx, t);
}

export default defineBug({
  name: 'filter-count-self-copy',
  origin: 'B8: c818c03b661c, fixed by b4d8a58f8dcf (2021): TSYNC copied filter_count from the thread itself',
  catches: ['filter-count'],
  effect: "a synced thread's filter_count (/proc Seccomp_filters) no longer matches its chain",
  noise: 0,
  ops: { syncThread: syncThreadCountingSelf },
});
