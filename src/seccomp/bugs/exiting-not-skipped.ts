/**
 * B11-ii: TSYNC does not skip PF_EXITING threads (6.11 release-at-exit without the
 * skip). An exiting thread whose filter was already released gets a new reference
 * that nobody drops (a leak); with release at exit its NULL head counts as the root
 * ancestor, so it does not block TSYNC (the pre-6.11 blocking, B10, needs release at
 * reap).
 */
import type { Ctx } from '../context.ts';
import { forEachThread, groupOf, headLocked, tidOf } from '../task.ts';
import { eligible } from '../tsync.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'exiting-not-skipped': true;
  }
}

function canSyncIncludingExiting(ctx: Ctx, caller: number): number {
  const g = groupOf(ctx, caller);
  ctx.assertHeld(ctx.L.credGuard(g), 'canSyncThreads');
  ctx.assertHeld(ctx.L.siglock(g), 'canSyncThreads');
  const callerHead = headLocked(ctx, caller);
  let failed = 0;
  forEachThread(ctx, g, (t) => {
    if (t === caller) return true;
    // BUG: exiting threads are checked like live ones
    if (eligible(ctx, t, callerHead)) return true;
    failed = tidOf(ctx, t);
    return false;
  });
  return failed;
}

function syncThreadsIncludingExiting(ctx: Ctx, caller: number): void {
  const g = groupOf(ctx, caller);
  ctx.assertHeld(ctx.L.credGuard(g), 'syncThreads');
  ctx.assertHeld(ctx.L.siglock(g), 'syncThreads');
  forEachThread(ctx, g, (t) => {
    if (t !== caller) ctx.ops.syncThread(ctx, caller, t, false); // BUG: exiting threads get a reference too
    return true;
  });
}

export default defineBug({
  name: 'exiting-not-skipped',
  origin: 'B11-ii: TSYNC does not skip PF_EXITING threads (6.11 release-at-exit without the skip)',
  catches: ['refcount-mismatch', 'leak'],
  effect:
    'an exiting thread whose filter was already released gets a new reference that nobody drops (leak); with release at exit its NULL head counts as the root ancestor, so it does not block TSYNC (the pre-6.11 blocking, B10, needs release at reap)',
  noise: 0.05,
  mix: 'tsync=8,clone=5,exit=5,attach=1,syscall=1',
  ops: { canSyncThreads: canSyncIncludingExiting, syncThreads: syncThreadsIncludingExiting },
});
