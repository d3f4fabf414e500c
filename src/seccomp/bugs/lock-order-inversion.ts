/**
 * Synthetic: exit's release_task takes siglock before tasklist_lock while clone
 * takes them in the documented order (tasklist_lock -> siglock): a possible ABBA
 * deadlock, which lockdep reports even when no deadlock happens.
 */
import { LOCK_ID } from '../../shared/layout.ts';
import type { Ctx } from '../context.ts';
import { unlinkAndReap } from '../exit.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'lock-order-inversion': true;
  }
}

function releaseTaskInverted(ctx: Ctx, g: number, t: number): boolean {
  return ctx.lock(ctx.L.siglock(g), () => ctx.lock(LOCK_ID.TASKLIST, () => unlinkAndReap(ctx, g, t))); // BUG: siglock first
}

export default defineBug({
  name: 'lock-order-inversion',
  origin: 'synthetic: exit takes siglock before tasklist_lock while clone takes them in the documented order',
  catches: ['lockdep-cycle'],
  effect: 'a possible ABBA deadlock; lockdep reports it even when no deadlock happens',
  noise: 0,
  ops: { releaseTask: releaseTaskInverted },
});
