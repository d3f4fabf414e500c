/**
 * The explore engine's worker program, one long task per actor: asks the runtime for the
 * model context with every lock under the controlled scheduler and the scheduler in the
 * seam, then runs one execution each time its turn comes at the start, until the main
 * thread says QUIT. Workers are reused across executions: the main thread resets the
 * buffer from a snapshot between them.
 */
import type { BugName } from '../seccomp/bug.ts';
import { Layout, TASK, handleSlot } from '../shared/layout.ts';
import type { LockPlan } from '../locks/kinds.ts';
import type { Scope } from '../seccomp/context.ts';
import { Controller, AbortExecution } from './controller.ts';
import { ControlledLock } from './controlled-lock.ts';
import { EVK, H } from './ctl.ts';
import { nextU64 } from './strategies/decider.ts';
import { actorBody, type ActorIo, type WorkloadSpec } from './actors.ts';
import { anyUserLock } from '../locks/user.ts';
import { program, type WorkerRuntime } from '../workers/program.ts';
import { RESULT, writeResult } from '../workers/control.ts';
import { LockCode, WatchedLock, instrumentAtomics, virtualClock } from './lock-code.ts';
import { userLockIds, wordNamer } from './words.ts';

export interface ExploreTask {
  m: Int32Array;
  c: Int32Array;
  actor: number;
  names: string[];
  spec: WorkloadSpec;
  design: string;
  bug: BugName | null;
  scope: Scope;
  plan: LockPlan;
  /** the scheduler grants locks (ControlledLock); false: every lock runs its own code (lock-code.ts) */
  grantLocks: boolean;
}

export default program({ lockKinds: (task: ExploreTask) => Object.values(task.plan), run: runExplore });

function runExplore(task: ExploreTask, rt: WorkerRuntime): { executions: number } {
  const { m, c, actor } = task;
  const L = Layout.of(m);
  const real = !task.grantLocks;
  const ctl = new Controller(c, m, L, actor, task.names, real);
  let code: LockCode | null = null;
  let clock: { reseed(): void } | null = null;
  if (real) {
    const userLocks = userLockIds(L, task.plan);
    code = new LockCode(m, L, ctl, userLocks);
    ctl.wordName = wordNamer(L, userLocks);
    instrumentAtomics(code);
    clock = virtualClock(() => c[H.STEP]!, actor);
  }
  const newCtx = () => {
    const x = rt.context({
      m,
      worker: actor,
      ...(code ? { lockView: code.view } : {}),
      design: task.design,
      bug: task.bug,
      scope: task.scope,
      plan: task.plan,
      reporter: { report: (v) => ctl.violation({ kind: v.kind, message: v.message, op: v.op ?? '' }) },
      // the scheduler grants each lock, or watches its code run
      decorate: (lock) => (real ? new WatchedLock(lock, ctl) : new ControlledLock(lock, ctl)),
      hooks: () => [ctl],
    });
    ctl.bindHeld(x.seam.heldCount);
    return x;
  };
  let ctx = newCtx();
  const userLocks = anyUserLock(Object.values(task.plan));
  const body = actorBody(task.spec, actor, task.names);
  const k = ctl.k;
  const io: ActorIo = {
    opStart(i, kind) {
      c[k.result(actor, i) + RESULT.KIND] = kind;
      ctl.trace(EVK.OP_START, i);
    },
    opEnd(i, r) {
      // the child's tid (immutable once allocated): names the thread in later results
      writeResult(c, k.result(actor, i), r, r.child === 0 ? 0 : m[L.task(handleSlot(r.child)) + TASK.TID]!);
      ctl.trace(EVK.OP_END, i);
    },
    nextU64: () => {
      ctl.drewRandom();
      return nextU64(c);
    },
    get inject() {
      return c[H.INJECT] !== 0;
    },
  };
  Atomics.add(c, H.READY, 1);
  let executions = 0;
  while (ctl.idle()) {
    executions++;
    if (real && userLocks) {
      // a user lock's handle may keep worker-local state (its own fields) that decides what it
      // does: every execution starts from new handles, as the buffer starts from its snapshot.
      // (A built-in kind's fields are statistics, or set before they are read: rebuilding
      // them would cost a third of an execution for nothing.)
      ctx = newCtx();
    } else ctx.seam.takeLeaked(); // an aborted execution may have left locks on the stack
    code?.reset();
    clock?.reseed();
    ctx.op = '';
    if (!ctl.aborting) {
      try {
        body(ctx, io);
      } catch (e) {
        if (!(e instanceof AbortExecution)) ctl.crash(e);
      }
    }
    ctl.finish();
  }
  return { executions };
}
