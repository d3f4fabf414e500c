/**
 * v8 of the 2014 series ("fixed missed copying of nnp state", v9): TSYNC moves the
 * other threads onto the caller's filter but does not set their no_new_privs.
 */
import { MODE } from '../../shared/layout.ts';
import type { Ctx } from '../context.ts';
import { getFilter, putFilter, setNodePrev } from '../filter.ts';
import { filterCountOf, groupOf, headLocked, modeLocked, setFilterCount, setHead, setModeFilter, tidOf } from '../task.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'nnp-not-spread': true;
  }
}

function syncThreadWithoutNnp(ctx: Ctx, caller: number, t: number): void {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, t)), 'syncThread');
  const head = headLocked(ctx, caller);
  const tid = tidOf(ctx, t);
  getFilter(ctx, head, tid);
  putFilter(ctx, headLocked(ctx, t), tid);
  setHead(ctx, t, head, 'tsync');
  setFilterCount(ctx, t, filterCountOf(ctx, caller));
  // BUG: the caller's no_new_privs is not copied
  if (modeLocked(ctx, t) === MODE.DISABLED) setModeFilter(ctx, t);
}

function composeThreadWithoutNnp(ctx: Ctx, _caller: number, t: number, node: number): void {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, t)), 'composeThread');
  setNodePrev(ctx, node, headLocked(ctx, t));
  setHead(ctx, t, node, 'force-compose');
  setFilterCount(ctx, t, filterCountOf(ctx, t) + 1);
  // BUG: the caller's no_new_privs is not copied
}

export default defineBug({
  name: 'nnp-not-spread',
  origin: 'v8 of the 2014 series ("fixed missed copying of nnp state", v9)',
  catches: ['tsync-postcondition'],
  effect: 'TSYNC does not set no_new_privs on the synced threads',
  noise: 0,
  ops: { syncThread: syncThreadWithoutNnp, composeThread: composeThreadWithoutNnp },
});
