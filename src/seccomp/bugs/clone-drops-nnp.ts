/**
 * Synthetic: copy_seccomp() copies the filter and the mode but not no_new_privs, so
 * a child of a thread that set it can later install filters (or be TSYNCed) without
 * the guarantee its parent had. Only the join check's inheritance comparison sees it:
 * nothing downstream fails.
 */
import { TASK } from '../../shared/layout.ts';
import type { Ctx } from '../context.ts';
import { getFilter } from '../filter.ts';
import { filterCountOf, groupOf, headLocked, modeLocked, setFilterCount, taskAt, tidOf } from '../task.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'clone-drops-nnp': true;
  }
}

function copySeccompWithoutNnp(ctx: Ctx, parent: number, child: number): void {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, parent)), 'copySeccomp');
  const head = headLocked(ctx, parent);
  getFilter(ctx, head, tidOf(ctx, parent));
  const c = taskAt(ctx, child);
  ctx.seam.astore(c + TASK.HEAD, head);
  ctx.seam.astore(c + TASK.MODE, modeLocked(ctx, parent));
  setFilterCount(ctx, child, filterCountOf(ctx, parent));
  // BUG: the parent's no_new_privs is not copied
}

export default defineBug({
  name: 'clone-drops-nnp',
  origin: 'synthetic: copy_seccomp forgets task_set_no_new_privs(child) (what task_struct copying gives for free in Linux)',
  catches: ['inheritance'],
  effect: "a cloned child lacks its parent's no_new_privs",
  noise: 0,
  ops: { copySeccomp: copySeccompWithoutNnp },
});
