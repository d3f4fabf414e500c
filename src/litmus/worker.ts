/**
 * The litmus engine's worker program, one long task per actor: asks the runtime for the
 * model context with every group's siglock handle timed (the siglock window of the copy
 * being run), then runs the actor's rounds until the leader says stop (./actor.ts).
 */
import type { BugName } from '../seccomp/bug.ts';
import { Layout } from '../shared/layout.ts';
import type { LockPlan } from '../locks/kinds.ts';
import type { Scope } from '../seccomp/context.ts';
import { runActor, type ActorResult, type ActorSpec } from './actor.ts';
import { TimedLock, WindowClock } from './timed-lock.ts';
import { FirstViolations } from './violations.ts';
import { program, type WorkerRuntime } from '../workers/program.ts';

export interface LitmusTask extends ActorSpec {
  design: string;
  bug: BugName | null;
  scope: Scope;
  lockPlan: LockPlan;
}

export default program({ lockKinds: (task: LitmusTask) => Object.values(task.lockPlan), run: runLitmusActor });

function runLitmusActor(task: LitmusTask, rt: WorkerRuntime): ActorResult {
  const L = Layout.of(task.m);
  const rep = new FirstViolations(task.scenario.actorNames[task.actor]!);
  const clock = new WindowClock(task.times);
  const siglocks = new Set(Array.from({ length: L.cfg.groups }, (_, g) => L.siglock(g)));
  const ctx = rt.context({
    m: task.m,
    worker: task.actor,
    design: task.design,
    bug: task.bug,
    scope: task.scope,
    plan: task.lockPlan,
    reporter: rep,
    decorate: (lock, id) => (siglocks.has(id) ? new TimedLock(lock, clock) : lock),
  });
  return runActor(task, ctx, L, clock, rep);
}
