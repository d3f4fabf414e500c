/**
 * B11-i: exit marks PF_EXITING and releases the filter without siglock (the 6.11
 * pitfall): a TSYNC that swaps the head meanwhile leads to a double release and a
 * leaked reference.
 */
import { BUG_WINDOWS } from '../../shared/seam.ts';
import type { Ctx } from '../context.ts';
import { clearHead, headOf } from '../task.ts';
import { markExiting, releasedFilter } from '../exit.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'exit-release-unlocked': true;
  }
}

/** before PF_EXITING is set */
const BEFORE_EXITING = BUG_WINDOWS + 1;
/** between reading the head and clearing it */
const READ_TO_CLEAR = BUG_WINDOWS + 2;

function exitWithoutSiglock(ctx: Ctx, g: number, t: number): void {
  ctx.seam.window(BEFORE_EXITING);
  markExiting(ctx, g, t); // BUG: no siglock, as a single-threaded or group exit would
  const orig = headOf(ctx, t); // BUG: read and clear without siglock while a TSYNC may swap the head
  ctx.seam.window(READ_TO_CLEAR);
  clearHead(ctx, t);
  releasedFilter(ctx, t, orig);
}

export default defineBug({
  name: 'exit-release-unlocked',
  origin: 'B11-i: exit marks PF_EXITING and releases the filter without siglock (the 6.11 pitfall)',
  catches: ['refcount-underflow', 'use-after-free', 'refcount-mismatch', 'leak'],
  effect: 'exit drops the filter while TSYNC swaps it: a double release and a leaked reference',
  noise: 0.05,
  mix: 'tsync=8,clone=5,exit=5,attach=1,syscall=1',
  ops: { exitSignalsAndRelease: exitWithoutSiglock },
  breaks: [
    { fn: 'markExiting', lock: 'siglock' },
    { fn: 'clearHead', lock: 'siglock' },
  ],
});
