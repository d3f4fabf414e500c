/**
 * B15 (synthetic): link the new node on the caller first, then check whether the
 * others may sync; on failure return the tid without unlinking, so the caller keeps
 * the filter of a TSYNC that failed.
 *
 * Overrides attachFilter (seccomp_attach_filter) only: the link moves before the check.
 */
import type { Ctx } from '../context.ts';
import { fail, type OpResult } from '../errors.ts';
import { pathTooLong } from '../attach.ts';
import { snapshotGroup } from '../checks.ts';
import { linkPrepared, tsyncRefused, type TsyncCall } from '../tsync.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'attach-before-check': true;
  }
}

function linkThenCheck(ctx: Ctx, call: TsyncCall): OpResult | null {
  ctx.assertHeld(ctx.L.siglock(call.group), 'attachFilter');
  if (pathTooLong(ctx, call.caller, call.req.insns)) return fail('ENOMEM');
  const before = ctx.checking ? snapshotGroup(ctx, call.group) : null;
  linkPrepared(ctx, call); // BUG: link first ...
  const failed = ctx.ops.canSyncThreads(ctx, call.caller);
  if (failed !== 0) return tsyncRefused(ctx, call, failed, before); // ... and never unlink
  return null;
}

export default defineBug({
  name: 'attach-before-check',
  origin: 'B15 (synthetic): link the new node on the caller, then check; return the tid without unlinking',
  catches: ['tsync-atomicity'],
  effect: 'the caller keeps the filter of a failed TSYNC',
  noise: 0,
  ops: { attachFilter: linkThenCheck },
});
