/**
 * The model's overridable operations: the few steps a seeded bug may replace, and
 * nothing else. The correct model calls these through `ctx.ops`; a seeded bug
 * (src/seccomp/bugs/) supplies its own for the ONE step it breaks (the smallest that
 * holds the difference), and reuses the others through `ctx.ops`.
 * Each design says which of them its code calls (`Design.uses`), so the designs a
 * bug applies to follow from the operations it replaces.
 */
import type { Ctx } from './context.ts';
import type { OpResult } from './errors.ts';
import type { CloneResult } from './clone.ts';
import { copyProcess, copySeccomp } from './clone.ts';
import { exitSignalsAndRelease, releaseTask } from './exit.ts';
import { tsyncLocks, attachFilter, canSyncThreads, syncThreads, syncThread, composeThread, type TsyncCall } from './tsync.ts';
import { retryAttempt } from './retry.ts';

export interface ModelOps {
  /** copy_process(CLONE_THREAD) as far as seccomp cares: the child inherits the filter. */
  copyProcess(ctx: Ctx, parent: number): CloneResult;
  /** copy_seccomp(): the child takes the parent's filter, mode, filter count and no_new_privs. */
  copySeccomp(ctx: Ctx, parent: number, child: number): void;
  /** do_exit() up to release_task: exit_signals() (PF_EXITING), seccomp_filter_release(). */
  exitSignalsAndRelease(ctx: Ctx, g: number, t: number): void;
  /** release_task(): unlink (and reap); true when the group is gone. */
  releaseTask(ctx: Ctx, g: number, t: number): boolean;
  /** merged, the lock taking: cred_guard_mutex, [scope lock], siglock; attachFilter then the commit in ONE siglock hold. */
  tsyncLocks(ctx: Ctx, call: TsyncCall): OpResult;
  /** merged, seccomp_attach_filter() up to the link: path limit, canSyncThreads, link on the caller; the refusal or null. */
  attachFilter(ctx: Ctx, call: TsyncCall): OpResult | null;
  /** seccomp_can_sync_threads(): 0, or the tid of the first ineligible thread. */
  canSyncThreads(ctx: Ctx, caller: number): number;
  /** seccomp_sync_threads(): every other live thread onto the caller's filter. */
  syncThreads(ctx: Ctx, caller: number): void;
  /** Move one thread onto the caller's filter (get, put, publish, count, nnp, mode). */
  syncThread(ctx: Ctx, caller: number, t: number, nnpIfDisabledOnly: boolean): void;
  /** force-compose: put a divergent thread's composed `node` on top of its own chain. */
  composeThread(ctx: Ctx, caller: number, t: number, node: number): void;
  /** One attempt (number `n`, 1-based) of the design's caller loop installing filter `label` (src/seccomp/retry.ts). */
  retryAttempt(ctx: Ctx, t: number, label: number, n: number): OpResult;
}

export type OpName = keyof ModelOps;

export const CORRECT_OPS: Readonly<ModelOps> = Object.freeze({
  copyProcess,
  copySeccomp,
  exitSignalsAndRelease,
  releaseTask,
  tsyncLocks,
  attachFilter,
  canSyncThreads,
  syncThreads,
  syncThread,
  composeThread,
  retryAttempt,
});
