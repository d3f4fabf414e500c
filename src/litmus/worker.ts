/**
 * WorkerPool entry of a litmus actor: one long task per worker. Builds the model context
 * over the shared lab buffer, swaps every group's siglock handle for a timed one (the
 * siglock window of the copy being run), then runs the actor's rounds until the leader
 * says stop (src/litmus/actor.ts).
 */
import type { BugName } from '../seccomp/bug.ts';
import { Layout } from '../shared/layout.ts';
import { makeCtx } from '../seccomp/world.ts';
import type { Lock } from '../locks/lock.ts';
import type { LockPlan } from '../locks/kinds.ts';
import type { Scope } from '../seccomp/context.ts';
import { runActor, type ActorResult, type ActorSpec } from './actor.ts';
import { TimedLock, WindowClock } from './timed-lock.ts';
import { FirstViolations } from './violations.ts';
import { anyUserLock, preloadUserLocks } from '../locks/user.ts';

export interface LitmusTask extends ActorSpec {
  design: string;
  bug: BugName | null;
  scope: Scope;
  lockPlan: LockPlan;
}

export default function litmusWorker(task: LitmusTask): ActorResult | Promise<ActorResult> {
  // user lock kinds (--lock ROLE=./lock.mjs): imported before any handle is built, so makeLock stays synchronous
  const kinds = Object.values(task.lockPlan);
  return anyUserLock(kinds) ? preloadUserLocks(kinds).then(() => runLitmusActor(task)) : runLitmusActor(task);
}

function runLitmusActor(task: LitmusTask): ActorResult {
  const L = Layout.of(task.m);
  const rep = new FirstViolations(task.scenario.actorNames[task.actor]!);
  const ctx = makeCtx(task.m, task.actor, { design: task.design, bug: task.bug, scope: task.scope, plan: task.lockPlan, reporter: rep });
  const clock = new WindowClock(task.times);
  const locks = ctx.seam.locks as Lock[];
  for (let g = 0; g < L.cfg.groups; g++) {
    const id = L.siglock(g);
    locks[id] = new TimedLock(locks[id]!, clock);
  }
  return runActor(task, ctx, L, clock, rep);
}
