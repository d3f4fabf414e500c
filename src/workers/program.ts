/**
 * What an engine hands the runtime: a worker program. The runtime's one worker entry
 * (./worker.ts) loads it, imports the user lock modules a task names before the task
 * runs (so that building lock handles stays synchronous), and calls `run` with the
 * runtime's services. The program holds only the engine's policy: its loop, its rounds,
 * its controller.
 *
 * A program module's default export is a `WorkerProgram`, or a plain function of the
 * task (a program that builds no lock handle).
 */
import type { Ctx } from '../seccomp/context.ts';
import { makeCtx, type WorldOptions } from '../seccomp/world.ts';
import type { Lock } from '../locks/lock.ts';
import { onUserLockBreach } from '../locks/user.ts';
import { chainHooks, type Hook } from '../shared/seam.ts';

export interface WorkerProgram<T = never, R = unknown> {
  /** the lock kinds the task builds handles of: user lock modules among them are imported before `run` */
  lockKinds(task: T): readonly string[];
  run(task: T, rt: WorkerRuntime): R;
}

/** A worker's model context as an engine asks for it: the world, and what the engine chains in. */
export interface ContextPlan extends WorldOptions {
  m: Int32Array;
  worker: number;
  /** wraps each lock handle of the context, by lock id (litmus: timed siglocks; explore: the scheduler) */
  decorate?(lock: Lock, id: number): Lock;
  /** seam hooks, chained in this order (lockdep, noise, the controlled scheduler); null entries are skipped */
  hooks?(ctx: Ctx): (Hook | null)[];
  /** a user lock whose own mutual-exclusion check fires (stress reports it as a violation) */
  onLockBreach?(ctx: Ctx, message: string): void;
}

export interface WorkerRuntime {
  /** Builds this worker's model context: the locks of the plan, decorated, and the engine's hooks in the seam. */
  context(plan: ContextPlan): Ctx;
}

export const RUNTIME: WorkerRuntime = {
  context(plan: ContextPlan): Ctx {
    const ctx = makeCtx(plan.m, plan.worker, plan);
    if (plan.decorate) {
      const locks = ctx.seam.locks as Lock[];
      for (let id = 0; id < locks.length; id++) locks[id] = plan.decorate(locks[id]!, id);
    }
    if (plan.hooks) ctx.seam.hook = chainHooks(...plan.hooks(ctx));
    const breach = plan.onLockBreach;
    if (breach) onUserLockBreach((message) => breach(ctx, message));
    return ctx;
  },
};

/** Defines a program (typed: the task's and the result's types are the engine's). */
export function program<T, R>(p: WorkerProgram<T, R>): WorkerProgram<T, R> {
  return p;
}
