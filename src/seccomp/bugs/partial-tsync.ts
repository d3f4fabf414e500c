/**
 * B3: ChromeOS / pre-v6 per-thread sync: check and apply each thread in one pass
 * and continue past failures, so a failed TSYNC has already changed the threads
 * before the failing one (and the caller keeps the new filter).
 */
import type { Ctx } from '../context.ts';
import { FLAG, type AttachRequest } from '../design.ts';
import { OK, fail, tsyncFailed, type OpResult } from '../errors.ts';
import { discardNode } from '../filter.ts';
import { exitingLocked, groupOf, headLocked, headOf, setModeFilter, threadsOf, tidOf } from '../task.ts';
import { linkOnCaller, pathTooLong } from '../attach.ts';
import { eligible } from '../tsync.ts';
import { checkTsyncDone, checkUnchanged, snapshotGroup } from '../checks.ts';
import { tsyncCritical } from '../process.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'partial-tsync': true;
  }
}

function partialTsyncAttach(ctx: Ctx, t: number, prepared: number, req: AttachRequest): OpResult {
  const g = groupOf(ctx, t);
  const r = tsyncCritical(ctx, g, () => {
    if (pathTooLong(ctx, t, req.insns)) return fail('ENOMEM');
    const before = ctx.checking ? snapshotGroup(ctx, g) : null;
    const oldHead = headLocked(ctx, t);
    linkOnCaller(ctx, t, prepared); // BUG: applied before every thread is known to be eligible
    setModeFilter(ctx, t);
    let failed = 0;
    for (const th of threadsOf(ctx, g)) {
      if (th === t || exitingLocked(ctx, th)) continue; // exiting threads are skipped as in 6.11+
      if (eligible(ctx, th, oldHead)) ctx.ops.syncThread(ctx, t, th, false);
      else if (failed === 0) failed = tidOf(ctx, th); // BUG: and keep going
    }
    if (failed !== 0) {
      if (before) checkUnchanged(ctx, g, before, 'partial-tsync');
      return (req.flags & FLAG.TSYNC_ESRCH) !== 0 ? fail('ESRCH') : tsyncFailed(failed);
    }
    if (ctx.checking) checkTsyncDone(ctx, g, t, prepared, true);
    return OK;
  });
  if (!r.ok && headOf(ctx, t) !== prepared) discardNode(ctx, prepared); // a linked node stays
  return r;
}

export default defineBug({
  name: 'partial-tsync',
  origin: 'B3: ChromeOS / pre-v6 per-thread sync (check and apply in one pass, continue past failures)',
  catches: ['tsync-atomicity'],
  effect: 'a failed TSYNC has changed the threads before the failing one',
  noise: 0,
  ops: { tsyncAttach: partialTsyncAttach },
});
