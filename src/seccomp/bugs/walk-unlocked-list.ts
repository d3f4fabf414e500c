/**
 * The while_each_thread hazard: TSYNC walks the thread list with no siglock held,
 * from a thread that may exit; the walk reads a freed task slot (a stale generation)
 * or never comes back to where it started.
 *
 * Overrides tsyncLocks (the lock taking) only: the threads to sync are walked before
 * siglock is taken, and the commit syncs that walk's threads instead of walking the
 * list under siglock (seccomp_sync_threads); attachFilter is the correct one.
 */
import { GROUP, TASK } from '../../shared/layout.ts';
import { BUG_WINDOWS } from '../../shared/seam.ts';
import type { Ctx } from '../context.ts';
import type { OpResult } from '../errors.ts';
import { checkTask, exitingLocked, taskAt, tidOf } from '../task.ts';
import { tsyncDone, type TsyncCall } from '../tsync.ts';
import { tsyncScope } from '../process.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'walk-unlocked-list': true;
  }
}

/** between two steps of the unlocked walk */
const WALK_STEP = BUG_WINDOWS + 1;
/** between the walk and taking siglock */
const WALK_TO_LOCK = BUG_WINDOWS + 2;

/** while_each_thread(caller) with no lock held: a stale slot is a use-after-free. */
function unlockedWalk(ctx: Ctx, caller: number, g: number): number[] {
  const out: number[] = [];
  let bound = ctx.L.cfg.maxTasks + 1;
  let th = ctx.seam.load(taskAt(ctx, caller) + TASK.NEXT);
  for (;;) {
    if (th === 0) th = ctx.seam.load(ctx.L.group(g) + GROUP.FIRST); // wrap around
    if (th === caller || th === 0) break;
    if (--bound < 0) {
      ctx.violation('livelock', `unlocked thread-list walk from ${tidOf(ctx, caller)} never returned to it`, [tidOf(ctx, caller)]);
      break;
    }
    if (!checkTask(ctx, th, 'while_each_thread')) break;
    out.push(th);
    ctx.seam.window(WALK_STEP);
    th = ctx.seam.load(taskAt(ctx, th) + TASK.NEXT);
  }
  return out;
}

function walkBeforeLocking(ctx: Ctx, call: TsyncCall): OpResult {
  const g = call.group;
  return ctx.lock(ctx.L.credGuard(g), () =>
    tsyncScope(ctx, g, () => {
      const others = unlockedWalk(ctx, call.caller, g); // BUG: no siglock around the walk
      ctx.seam.window(WALK_TO_LOCK);
      return ctx.lock(ctx.L.siglock(g), () => {
        const refused = ctx.ops.attachFilter(ctx, call);
        if (refused !== null) return refused;
        for (const th of others) if (checkTask(ctx, th, 'tsync commit') && !exitingLocked(ctx, th)) ctx.ops.syncThread(ctx, call.caller, th, false);
        return tsyncDone(ctx, call);
      });
    }),
  );
}

export default defineBug({
  name: 'walk-unlocked-list',
  origin: 'while_each_thread hazard: TSYNC walks the thread list without siglock from a thread that may exit',
  catches: ['use-after-free', 'livelock'],
  effect: 'the walk reads a freed task slot (stale generation) or never ends',
  noise: 0.05,
  mix: 'tsync=6,clone=6,exit=6,attach=1,syscall=1',
  ops: { tsyncLocks: walkBeforeLocking },
});
