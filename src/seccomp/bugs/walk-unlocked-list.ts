/**
 * The while_each_thread hazard: TSYNC walks the thread list with no siglock held,
 * from a thread that may exit; the walk reads a freed task slot (a stale generation)
 * or never comes back to where it started.
 */
import { GROUP, TASK } from '../../shared/layout.ts';
import { BUG_WINDOWS } from '../../shared/seam.ts';
import type { Ctx } from '../context.ts';
import { FLAG, type AttachRequest } from '../design.ts';
import { OK, fail, tsyncFailed, type OpResult } from '../errors.ts';
import { discardNode } from '../filter.ts';
import { checkTask, exitingLocked, groupOf, headLocked, setModeFilter, taskAt, tidOf } from '../task.ts';
import { linkOnCaller, pathTooLong } from '../attach.ts';
import { eligible } from '../tsync.ts';
import { checkTsyncDone } from '../checks.ts';
import { tsyncScope } from '../process.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'walk-unlocked-list': true;
  }
}

/** between two steps of the unlocked walk */
const WALK_STEP = BUG_WINDOWS + 1;
/** between the check's siglock hold and the commit's */
const CHECK_TO_COMMIT = BUG_WINDOWS + 2;

/** while_each_thread(caller) with no lock held: a stale slot is a use-after-free. */
function unlockedWalk(ctx: Ctx, caller: number, g: number): number[] {
  const out: number[] = [caller];
  let bound = ctx.L.cfg.maxTasks + 1;
  let th = ctx.seam.load(taskAt(ctx, caller) + TASK.NEXT);
  for (;;) {
    if (th === 0) th = ctx.seam.load(ctx.L.group(g) + GROUP.FIRST); // wrap around
    if (th === caller || th === 0) break;
    if (--bound < 0) {
      ctx.violation('livelock', `unlocked thread-list walk from ${tidOf(ctx, caller)} never returned to it`, [tidOf(ctx, caller)]);
      break;
    }
    if (!checkTask(ctx, th, 'while_each_thread')) break;
    out.push(th);
    ctx.seam.window(WALK_STEP);
    th = ctx.seam.load(taskAt(ctx, th) + TASK.NEXT);
  }
  return out;
}

function tsyncWalkingUnlocked(ctx: Ctx, t: number, prepared: number, req: AttachRequest): OpResult {
  const g = groupOf(ctx, t);
  const r = ctx.lock(ctx.L.credGuard(g), () =>
    tsyncScope(ctx, g, () => {
      const threads = unlockedWalk(ctx, t, g); // BUG: no siglock around the walk
      const failed = ctx.lock(ctx.L.siglock(g), () => {
        const callerHead = headLocked(ctx, t);
        for (const th of threads) if (th !== t && !eligible(ctx, th, callerHead)) return tidOf(ctx, th);
        return 0;
      });
      if (failed !== 0) return (req.flags & FLAG.TSYNC_ESRCH) !== 0 ? fail('ESRCH') : tsyncFailed(failed);
      ctx.seam.window(CHECK_TO_COMMIT);
      return ctx.lock(ctx.L.siglock(g), () => {
        if (pathTooLong(ctx, t, req.insns)) return fail('ENOMEM');
        linkOnCaller(ctx, t, prepared);
        for (const th of threads) if (th !== t && checkTask(ctx, th, 'tsync commit') && !exitingLocked(ctx, th)) ctx.ops.syncThread(ctx, t, th, false);
        setModeFilter(ctx, t);
        if (ctx.checking) checkTsyncDone(ctx, g, t, prepared, true);
        return OK;
      });
    }),
  );
  if (!r.ok) discardNode(ctx, prepared);
  return r;
}

export default defineBug({
  name: 'walk-unlocked-list',
  origin: 'while_each_thread hazard: TSYNC walks the thread list without siglock from a thread that may exit',
  catches: ['use-after-free', 'livelock'],
  effect: 'the walk reads a freed task slot (stale generation) or never ends',
  noise: 0.05,
  mix: 'tsync=6,clone=6,exit=6,attach=1,syscall=1',
  ops: { tsyncAttach: tsyncWalkingUnlocked },
});
