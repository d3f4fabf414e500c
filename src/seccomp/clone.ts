/**
 * clone(CLONE_THREAD): copy_process() as far as seccomp cares.
 *
 * The child's seccomp state is copied from the parent (copy_seccomp) under the
 * group's siglock, in the same critical section that links it into the thread
 * list — which is what stops a thread escaping a concurrent TSYNC. Lock order:
 * [threadgroup (read)] -> tasklist_lock (write) -> siglock.
 */
import { LOCK_ID, TASK } from '../shared/layout.ts';
import { EV } from '../shared/events.ts';
import type { Ctx } from './context.ts';
import { fail, type OpResult } from './errors.ts';
import { getFilter } from './filter.ts';
import { allocTask, groupOf, nnpOf, linkThread, taskAt, tidOf, filterCountOf, setFilterCount, headLocked, modeLocked, setNnp } from './task.ts';
import { checkJoin } from './checks.ts';
import { membershipScope } from './process.ts';

export type CloneResult = { ok: true; child: number } | Exclude<OpResult, { ok: true }>;

/** clone(CLONE_THREAD) by `parent`: whatever copy_process the context runs. */
export function cloneThread(ctx: Ctx, parent: number): CloneResult {
  return ctx.ops.copyProcess(ctx, parent);
}

/**
 * copy_seccomp(p): one consistent snapshot of the parent's seccomp state.
 * Expects siglock held.
 */
export function copySeccomp(ctx: Ctx, parent: number, child: number): void {
  ctx.assertHeld(ctx.L.siglock(groupOf(ctx, parent)), 'copySeccomp');
  const head = headLocked(ctx, parent);
  getFilter(ctx, head, tidOf(ctx, parent)); // ref-count the new filter user
  const c = taskAt(ctx, child);
  ctx.seam.astore(c + TASK.HEAD, head);
  ctx.seam.astore(c + TASK.MODE, modeLocked(ctx, parent));
  setFilterCount(ctx, child, filterCountOf(ctx, parent));
  // nnp may have been set (e.g. by a sibling's TSYNC) after dup_task_struct
  if (nnpOf(ctx, parent)) setNnp(ctx, child);
}

/**
 * dup_task_struct + alloc_pid (the child is invisible, its filter NULL), then under
 * tasklist_lock and siglock: copy_seccomp and link the child into the thread list.
 */
export function copyProcess(ctx: Ctx, parent: number): CloneResult {
  const g = groupOf(ctx, parent);
  const child = allocTask(ctx, { group: g });
  if (child === 0) return fail('EAGAIN') as CloneResult;
  membershipScope(ctx, g, () =>
    ctx.lock(LOCK_ID.TASKLIST, () =>
      ctx.lock(ctx.L.siglock(g), () => {
        ctx.ops.copySeccomp(ctx, parent, child);
        linkChild(ctx, g, parent, child);
      }),
    ),
  );
  ctx.ring.push(EV.CLONE, tidOf(ctx, parent), tidOf(ctx, child));
  return { ok: true, child };
}

/**
 * Link the child (its seccomp state already copied). Under tasklist_lock (write) and
 * siglock (linkThread asserts both, checkJoin siglock). The join check runs just
 * before the link: once linked (ALIVE) the child can be scheduled, and its
 * no_new_privs is set without any lock.
 */
export function linkChild(ctx: Ctx, g: number, parent: number, child: number): void {
  if (ctx.checking) checkJoin(ctx, g, parent, child);
  linkThread(ctx, g, child);
}
