/**
 * B1: the pre-v2 / ChromeOS design copied the seccomp state in dup_task_struct(),
 * outside siglock, and linked the child much later: a TSYNC that runs in between
 * misses the child, which joins the group without the new filter (an escape).
 */
import { LOCK_ID } from '../../shared/layout.ts';
import { EV } from '../../shared/events.ts';
import { BUG_WINDOWS } from '../../shared/seam.ts';
import type { Ctx } from '../context.ts';
import { fail } from '../errors.ts';
import { allocTask, groupOf, tidOf } from '../task.ts';
import { linkChild, type CloneResult } from '../clone.ts';
import { membershipScope } from '../process.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'clone-copy-early': true;
  }
}

/** between the early copy and the link */
const COPY_TO_LINK = BUG_WINDOWS + 1;

function copyProcessCopyingEarly(ctx: Ctx, parent: number): CloneResult {
  const g = groupOf(ctx, parent);
  const child = allocTask(ctx, { group: g });
  if (child === 0) return fail('EAGAIN') as CloneResult;
  ctx.ops.copySeccomp(ctx, parent, child); // BUG: at dup_task_struct time, no lock held
  ctx.seam.window(COPY_TO_LINK);
  membershipScope(ctx, g, () => ctx.lock(LOCK_ID.TASKLIST, () => ctx.lock(ctx.L.siglock(g), () => linkChild(ctx, g, parent, child))));
  ctx.ring.push(EV.CLONE, tidOf(ctx, parent), tidOf(ctx, child));
  return { ok: true, child };
}

export default defineBug({
  name: 'clone-copy-early',
  origin: 'B1: pre-v2 / ChromeOS design, seccomp state copied in dup_task_struct outside siglock',
  catches: ['escape'],
  effect: 'the child copies its filter before taking siglock and joins later: it escapes a concurrent TSYNC',
  noise: 0.02,
  mix: 'tsync=6,clone=6,exit=4,attach=1,syscall=2',
  ops: { copyProcess: copyProcessCopyingEarly },
  breaks: [
    { fn: 'copySeccomp', lock: 'siglock' },
    { fn: 'setFilterCount', lock: 'siglock' },
  ],
});
