/**
 * Synthetic: the eligibility check and the commit run under two different siglock
 * holds. A thread that attaches its own filter in between loses it to the commit.
 */
import { BUG_WINDOWS } from '../../shared/seam.ts';
import type { Ctx } from '../context.ts';
import { FLAG, type AttachRequest } from '../design.ts';
import { OK, fail, tsyncFailed, type OpResult } from '../errors.ts';
import { discardNode } from '../filter.ts';
import { checkTask, exitingLocked, groupOf, headLocked, setModeFilter, threadsOf, tidOf } from '../task.ts';
import { linkOnCaller, pathTooLong } from '../attach.ts';
import { eligible } from '../tsync.ts';
import { checkTsyncDone } from '../checks.ts';
import { tsyncScope } from '../process.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'check-unlocked': true;
  }
}

/** between the check's siglock hold and the commit's */
const CHECK_TO_COMMIT = BUG_WINDOWS + 1;

function checkThenCommitLater(ctx: Ctx, t: number, prepared: number, req: AttachRequest): OpResult {
  const g = groupOf(ctx, t);
  const r = ctx.lock(ctx.L.credGuard(g), () =>
    tsyncScope(ctx, g, () => {
      const threads = ctx.lock(ctx.L.siglock(g), () => threadsOf(ctx, g));
      const failed = ctx.lock(ctx.L.siglock(g), () => {
        const callerHead = headLocked(ctx, t);
        for (const th of threads) if (th !== t && !eligible(ctx, th, callerHead)) return tidOf(ctx, th);
        return 0;
      });
      if (failed !== 0) return (req.flags & FLAG.TSYNC_ESRCH) !== 0 ? fail('ESRCH') : tsyncFailed(failed);
      ctx.seam.window(CHECK_TO_COMMIT); // BUG: siglock is dropped between the check and the commit
      return ctx.lock(ctx.L.siglock(g), () => {
        if (pathTooLong(ctx, t, req.insns)) return fail('ENOMEM');
        linkOnCaller(ctx, t, prepared);
        for (const th of threadsOf(ctx, g)) if (th !== t && checkTask(ctx, th, 'tsync commit') && !exitingLocked(ctx, th)) ctx.ops.syncThread(ctx, t, th, false);
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
  name: 'check-unlocked',
  origin: 'synthetic: eligibility check and commit under two different siglock holds',
  catches: ['monotonicity'],
  effect: 'a thread that attached between the check and the commit loses its filter',
  noise: 0.05,
  mix: 'tsync=6,attach=6,clone=2,exit=2,syscall=1',
  ops: { tsyncAttach: checkThenCommitLater },
});
