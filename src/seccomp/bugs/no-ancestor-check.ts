/**
 * Synthetic: TSYNC without is_ancestor(). Every thread counts as eligible, so a
 * diverged thread's head is overwritten: it loses a filter (and a lockless walk
 * may hit freed nodes).
 */
import type { Ctx } from '../context.ts';
import { groupOf } from '../task.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'no-ancestor-check': true;
  }
}

/** seccomp_can_sync_threads() that never looks at the threads' chains. */
function canSyncWithoutAncestry(ctx: Ctx, caller: number): number {
  const g = groupOf(ctx, caller);
  ctx.assertHeld(ctx.L.credGuard(g), 'canSyncThreads');
  ctx.assertHeld(ctx.L.siglock(g), 'canSyncThreads');
  return 0; // BUG: no thread is ever ineligible
}

export default defineBug({
  name: 'no-ancestor-check',
  origin: 'synthetic: TSYNC without is_ancestor()',
  catches: ['monotonicity'],
  effect: "TSYNC overwrites a diverged thread's head: it loses a filter (and a lockless walk may hit freed nodes)",
  noise: 0,
  ops: { canSyncThreads: canSyncWithoutAncestry },
});
