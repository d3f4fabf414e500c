/**
 * Synthetic: the eligibility check and the commit run under two different siglock
 * holds. A thread that attaches its own filter in between loses it to the commit.
 *
 * Overrides tsyncLocks (the lock taking) only: siglock is dropped and taken again
 * between attachFilter and the commit.
 */
import { BUG_WINDOWS } from '../../shared/seam.ts';
import type { Ctx } from '../context.ts';
import type { OpResult } from '../errors.ts';
import { tsyncCommit, type TsyncCall } from '../tsync.ts';
import { tsyncScope } from '../process.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'check-unlocked': true;
  }
}

/** between the check's siglock hold and the commit's */
const CHECK_TO_COMMIT = BUG_WINDOWS + 1;

function lockEachPass(ctx: Ctx, call: TsyncCall): OpResult {
  const g = call.group;
  return ctx.lock(ctx.L.credGuard(g), () =>
    tsyncScope(ctx, g, () => {
      const refused = ctx.lock(ctx.L.siglock(g), () => ctx.ops.attachFilter(ctx, call));
      if (refused !== null) return refused;
      ctx.seam.window(CHECK_TO_COMMIT); // BUG: siglock is dropped between the check and the commit
      return ctx.lock(ctx.L.siglock(g), () => tsyncCommit(ctx, call));
    }),
  );
}

export default defineBug({
  name: 'check-unlocked',
  origin: 'synthetic: eligibility check and commit under two different siglock holds',
  catches: ['monotonicity'],
  effect: 'a thread that attached between the check and the commit loses its filter',
  noise: 0.05,
  mix: 'tsync=6,attach=6,clone=2,exit=2,syscall=1',
  ops: { tsyncLocks: lockEachPass },
});
