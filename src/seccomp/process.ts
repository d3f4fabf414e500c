/**
 * Processes (thread groups): creating a new process in a group slot, and the
 * scope lock that serialises TSYNC against clone (an experiment axis).
 */
import { GROUP, LOCK_ID } from '../shared/layout.ts';
import type { Ctx } from './context.ts';
import { allocTask, freeTask, linkThread, groupAt } from './task.ts';

export interface NewProcess {
  group: number;
  threads: number;
  privileged: boolean;
}

/**
 * A new process with `threads` threads (the first is the leader), all unfiltered
 * with no_new_privs clear. Takes tasklist_lock for write, then siglock.
 * Returns the task handles, or null if the task table is full.
 */
export function createProcess(ctx: Ctx, p: NewProcess): number[] | null {
  const tasks: number[] = [];
  for (let i = 0; i < p.threads; i++) {
    const t = allocTask(ctx, { group: p.group });
    if (t === 0) {
      for (const taken of tasks) freeTask(ctx, taken); // give back what we took: no stranded NEW slots
      return null;
    }
    tasks.push(t);
  }
  ctx.lock(LOCK_ID.TASKLIST, () =>
    ctx.lock(ctx.L.siglock(p.group), () => {
      const s = ctx.seam;
      const ga = groupAt(ctx, p.group);
      s.store(ga + GROUP.FIRST, 0);
      s.store(ga + GROUP.LAST, 0);
      s.store(ga + GROUP.NR_THREADS, 0);
      s.astore(ga + GROUP.NR_LIVE, 0);
      s.store(ga + GROUP.LEADER, tasks[0]!);
      s.store(ga + GROUP.LAST_TSYNC_LABEL, 0);
      s.store(ga + GROUP.PRIVILEGED, p.privileged ? 1 : 0);
      for (const t of tasks) linkThread(ctx, p.group, t);
      s.astore(ga + GROUP.GEN, (s.aload(ga + GROUP.GEN) + 1) & 0x7fffffff);
      s.astore(ga + GROUP.STATE, 1);
    }),
  );
  return tasks;
}

export function groupPrivileged(ctx: Ctx, g: number): boolean {
  return ctx.seam.load(groupAt(ctx, g) + GROUP.PRIVILEGED) !== 0;
}

/**
 * The TSYNC critical section's outer lock, per scope:
 *  - siglock: none beyond siglock itself (merged Linux);
 *  - tasklist: tasklist_lock for write around it (the v6/v7 series);
 *  - threadgroup: the group's threadgroup rwsem for write (clone and exit take it for read).
 */
export function tsyncScope<T>(ctx: Ctx, g: number, fn: () => T): T {
  switch (ctx.scope) {
    case 'siglock':
      return fn();
    case 'tasklist':
      return ctx.lock(LOCK_ID.TASKLIST, fn);
    case 'threadgroup':
      return ctx.lock(ctx.L.threadgroupLock(g), fn);
  }
}

/** cred_guard_mutex -> [the TSYNC scope lock] -> siglock around `fn`: TSYNC's critical section. */
export function tsyncCritical<T>(ctx: Ctx, g: number, fn: () => T): T {
  return ctx.lock(ctx.L.credGuard(g), () => tsyncScope(ctx, g, () => ctx.lock(ctx.L.siglock(g), fn)));
}

/** clone/exit side of the scope: the threadgroup rwsem for read under scope=threadgroup. */
export function membershipScope<T>(ctx: Ctx, g: number, fn: () => T): T {
  return ctx.scope === 'threadgroup' ? ctx.readLock(ctx.L.threadgroupLock(g), fn) : fn();
}
