/**
 * Synthetic: the sync step forgets to release the thread's old head, so references
 * leak and nodes stay allocated after everything has exited.
 */
import { MODE } from '../../shared/layout.ts';
import type { Ctx } from '../context.ts';
import { getFilter } from '../filter.ts';
import { filterCountOf, groupOf, headLocked, modeLocked, nnpOf, setFilterCount, setHead, setModeFilter, setNnp, tidOf } from '../task.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'sync-missing-put': true;
  }
}

function syncThreadWithoutPut(ctx: Ctx, caller: number, t: number, nnpIfDisabledOnly: boolean): void {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, t)), 'syncThread');
  const spreadNnp = !nnpIfDisabledOnly || modeLocked(ctx, t) === MODE.DISABLED;
  const head = headLocked(ctx, caller);
  getFilter(ctx, head, tidOf(ctx, t));
  // BUG: no putFilter(old head)
  setHead(ctx, t, head, 'tsync');
  setFilterCount(ctx, t, filterCountOf(ctx, caller));
  if (spreadNnp && nnpOf(ctx, caller) && !nnpOf(ctx, t)) setNnp(ctx, t); // a set-only flag
  if (modeLocked(ctx, t) === MODE.DISABLED) setModeFilter(ctx, t);
}

export default defineBug({
  name: 'sync-missing-put',
  origin: 'synthetic: sync pass forgets to release the old head',
  catches: ['refcount-mismatch', 'leak'],
  effect: 'references leak; nodes stay allocated after everything exits',
  noise: 0,
  ops: { syncThread: syncThreadWithoutPut },
});
