/**
 * B7 (synthetic): the sync pass puts each thread's old head before getting the new
 * one, and does not skip the caller: for the caller, old and new head are the same
 * node, which is freed while attached.
 */
import { MODE } from '../../shared/layout.ts';
import type { Ctx } from '../context.ts';
import { getFilter, putFilter } from '../filter.ts';
import { exitingLocked, filterCountOf, forEachThread, groupOf, headLocked, modeLocked, nnpOf, setFilterCount, setHead, setModeFilter, setNnp, tidOf } from '../task.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'put-before-get': true;
  }
}

function syncThreadsPutFirst(ctx: Ctx, caller: number): void {
  const g = groupOf(ctx, caller);
  ctx.assertHeld(ctx.L.credGuard(g), 'syncThreads');
  ctx.assertHeld(ctx.L.siglock(g), 'syncThreads');
  forEachThread(ctx, g, (t) => {
    // BUG: the caller is not skipped
    if (exitingLocked(ctx, t)) return true;
    const head = headLocked(ctx, caller);
    const tid = tidOf(ctx, t);
    putFilter(ctx, headLocked(ctx, t), tid); // BUG: put before get
    getFilter(ctx, head, tid);
    setHead(ctx, t, head, 'tsync');
    setFilterCount(ctx, t, filterCountOf(ctx, caller));
    if (nnpOf(ctx, caller) && !nnpOf(ctx, t)) setNnp(ctx, t); // a set-only flag
    if (modeLocked(ctx, t) === MODE.DISABLED) setModeFilter(ctx, t);
    return true;
  });
}

export default defineBug({
  name: 'put-before-get',
  origin: 'B7 (synthetic): sync pass puts the old head before getting the new one and does not skip the caller',
  catches: ['use-after-free', 'refcount-underflow'],
  effect: 'the new node is freed while attached',
  noise: 0,
  ops: { syncThreads: syncThreadsPutFirst },
});
