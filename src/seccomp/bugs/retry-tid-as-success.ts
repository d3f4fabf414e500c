/**
 * Synthetic (the caller's side of B-series TSYNC): seccomp() with TSYNC returns a
 * positive tid when a thread could not be synced, and a caller loop written as
 * `while (seccomp(...) < 0)` takes that tid for success and stops retrying. The
 * loop reports "every thread filtered" early; the retry postcondition must fire.
 */
import type { Ctx } from '../context.ts';
import { OK, type OpResult } from '../errors.ts';
import { callerLoopOf } from '../retry.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'retry-tid-as-success': true;
  }
}

function retryTidAsSuccess(ctx: Ctx, t: number, label: number, n: number): OpResult {
  const r = callerLoopOf(ctx.design.name).attempt(ctx, t, label, n);
  if (!r.ok && r.errno === 'TSYNC') return OK; // BUG: `ret < 0` is the only failure the loop knows
  return r;
}

export default defineBug({
  name: 'retry-tid-as-success',
  origin: 'synthetic: a caller loop `while (seccomp(SET_MODE_FILTER, TSYNC, prog) < 0)` takes the positive tid of a failed TSYNC for success',
  catches: ['tsync-postcondition'],
  effect: 'the tsync_retry loop reports success while a thread lacks its filter',
  noise: 0,
  mix: 'attach=2,tsync=0,tsync_esrch=0,tsync_retry=4',
  ops: { retryAttempt: retryTidAsSuccess },
});
