/**
 * B15 (synthetic): link the new node on the caller first, then check whether the
 * others may sync; on failure return the tid without unlinking, so the caller keeps
 * the filter of a TSYNC that failed.
 */
import type { Ctx } from '../context.ts';
import { FLAG, type AttachRequest } from '../design.ts';
import { OK, fail, tsyncFailed, type OpResult } from '../errors.ts';
import { discardNode } from '../filter.ts';
import { groupOf, setModeFilter } from '../task.ts';
import { linkOnCaller, pathTooLong } from '../attach.ts';
import { checkTsyncDone, checkUnchanged, snapshotGroup } from '../checks.ts';
import { tsyncCritical } from '../process.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'attach-before-check': true;
  }
}

function attachThenCheck(ctx: Ctx, t: number, prepared: number, req: AttachRequest): OpResult {
  const g = groupOf(ctx, t);
  return tsyncCritical(ctx, g, () => {
    if (pathTooLong(ctx, t, req.insns)) {
      discardNode(ctx, prepared);
      return fail('ENOMEM');
    }
    const before = ctx.checking ? snapshotGroup(ctx, g) : null;
    linkOnCaller(ctx, t, prepared); // BUG: link first ...
    const failed = ctx.ops.canSyncThreads(ctx, t);
    if (failed !== 0) {
      if (before) checkUnchanged(ctx, g, before, 'tsync');
      return (req.flags & FLAG.TSYNC_ESRCH) !== 0 ? fail('ESRCH') : tsyncFailed(failed); // ... and never unlink
    }
    ctx.ops.syncThreads(ctx, t);
    setModeFilter(ctx, t);
    if (ctx.checking) checkTsyncDone(ctx, g, t, prepared, true);
    return OK;
  });
}

export default defineBug({
  name: 'attach-before-check',
  origin: 'B15 (synthetic): link the new node on the caller, then check; return the tid without unlinking',
  catches: ['tsync-atomicity'],
  effect: 'the caller keeps the filter of a failed TSYNC',
  noise: 0,
  ops: { tsyncAttach: attachThenCheck },
});
