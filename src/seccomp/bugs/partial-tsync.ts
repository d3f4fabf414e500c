/**
 * B3: ChromeOS / pre-v6 per-thread sync: check and apply each thread in one pass
 * and continue past failures, so a failed TSYNC has already changed the threads
 * before the failing one (and the caller keeps the new filter).
 *
 * Overrides attachFilter (seccomp_attach_filter) only: its can_sync pass becomes a
 * check-and-apply pass after the link. On success the correct commit follows and
 * finds every thread synced already (syncing a thread twice changes nothing).
 */
import type { Ctx } from '../context.ts';
import { fail, type OpResult } from '../errors.ts';
import { exitingLocked, firstThread, headLocked, nextThread, setModeFilter, tidOf } from '../task.ts';
import { pathTooLong } from '../attach.ts';
import { snapshotGroup } from '../checks.ts';
import { eligible, linkPrepared, tsyncRefused, type TsyncCall } from '../tsync.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'partial-tsync': true;
  }
}

function checkAndApplyEach(ctx: Ctx, call: TsyncCall): OpResult | null {
  const { caller, group: g } = call;
  ctx.assertHeld(ctx.L.siglock(g), 'attachFilter');
  if (pathTooLong(ctx, caller, call.req.insns)) return fail('ENOMEM');
  const before = ctx.checking ? snapshotGroup(ctx, g) : null;
  const oldHead = headLocked(ctx, caller);
  linkPrepared(ctx, call); // BUG: applied before every thread is known to be eligible
  setModeFilter(ctx, caller);
  let failed = 0;
  for (let t = firstThread(ctx, g), n = 0; t !== 0; t = nextThread(ctx, g, t, ++n)) {
    if (t === caller || exitingLocked(ctx, t)) continue; // exiting threads are skipped as in 6.11+
    if (eligible(ctx, t, oldHead)) ctx.ops.syncThread(ctx, caller, t, false);
    else if (failed === 0) failed = tidOf(ctx, t); // BUG: and keep going
  }
  return failed !== 0 ? tsyncRefused(ctx, call, failed, before) : null;
}

export default defineBug({
  name: 'partial-tsync',
  origin: 'B3: ChromeOS / pre-v6 per-thread sync (check and apply in one pass, continue past failures)',
  catches: ['tsync-atomicity'],
  effect: 'a failed TSYNC has changed the threads before the failing one',
  noise: 0,
  ops: { attachFilter: checkAndApplyEach },
});
