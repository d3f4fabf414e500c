/**
 * One explore session on the main thread (shuttle's runner): the world set up once,
 * one worker per actor started once, then executions one after another. Each
 * execution resets the lab buffer from the post-setup snapshot and the control
 * buffer's execution words, lets the strategy prepare its state, makes the first
 * decision, hands the turn to that actor and sleeps until the last actor is done.
 */
import { FindingError } from '../shared/finding-error.ts';
import type { Finding } from '../shared/finding.ts';
import { LabFault } from '../shared/lab-fault.ts';
import { boundedPoll, boundedWait, within } from '../shared/wait.ts';
import { isUserLockKind, userLockWhere } from '../locks/user.ts';
import type { BugName } from '../seccomp/bug.ts';
import { Layout } from '../shared/layout.ts';
import { makeCtx } from '../seccomp/world.ts';
import { ListReporter } from '../seccomp/violations.ts';
import { audit } from '../seccomp/audit.ts';
import type { Ctx, Scope } from '../seccomp/context.ts';
import type { LockPlan } from '../locks/kinds.ts';
import { workerPool } from '../workers/pool.ts';
import { preloadUserLocks } from '../locks/user.ts';
import type { ExploreTask } from './worker.ts';
import { CtlLayout, END, H, MAX_ACTORS, NOT_ACQUIRING, MAX_OPS, STATUS, decChosen, decCurrent, decMask, defaultChoice, packDecision, readText } from './ctl.ts';
import { RESULT, readResult } from '../workers/control.ts';
import { DECIDERS } from './strategies/index.ts';
import type { Strategy } from './strategies/strategy.ts';
import type { Deviation } from './strategies/deviations.ts';
import type { Outcome, Workload } from './workloads.ts';
import type { EncodedResult } from '../scenario/concurrent-ops.ts';

export interface World {
  design: string;
  bug: BugName | null;
  scope: Scope;
  plan: LockPlan;
  /** true: the scheduler grants locks (lock code is not explored; faster); default: every lock runs its own code */
  grantLocks?: boolean;
}

/** explore's findings are the lab's one finding type: kind, message, actor and op */
export type { Finding };

export interface Execution {
  end: number;
  steps: number;
  preemptions: number;
  /** every finding: model checkers, audits, deadlock, crash, step limit */
  violations: Finding[];
  outcome: Outcome | null;
  /** what failed: the first violation, or a forbidden outcome; null = a clean execution */
  failure: Finding | null;
  /** 1 + the step at which a recorded choice was not runnable (0 = none) */
  nondet: number;
  /** the deviations from the default that this execution took (its schedule) */
  deviations: Deviation[];
  /** the seed of the workload's generator (nextU64) in this execution */
  opSeed: number;
  /** the kind code of op i of actor a (workloads describe it) */
  opKind(actor: number, i: number): number;
  /** the encoded result of op i of actor a, if it ended (src/scenario/concurrent-ops.ts decodes it) */
  opResult(actor: number, i: number): EncodedResult;
  /** the event trace, two words per event */
  trace: Int32Array;
}

const MAX_STEPS = 20_000;
/** Bound on how long the main thread waits for one execution: a lab fault, not a model finding... */
const EXECUTION_BOUND_MS = 60_000;
/** ...unless a user lock kind is in the plan: an actor stuck inside its acquire/release is a livelock finding */
const USER_LOCK_BOUND_MS = 10_000;

export class Session {
  readonly L: Layout;
  readonly m: Int32Array;
  readonly c: Int32Array;
  readonly k: CtlLayout;
  readonly ctx: Ctx;
  private readonly snapshot: Int32Array;
  private readonly n: number;
  private readonly tasks: Promise<unknown>[];
  private readonly pool: ReturnType<typeof workerPool>;
  private failed: unknown = null;
  executions = 0;

  private constructor(
    readonly workload: Workload,
    readonly world: World,
    maxSteps: number,
  ) {
    this.n = workload.names.length;
    if (this.n < 1 || this.n > MAX_ACTORS) throw new Error(`explore: 1..${MAX_ACTORS} actors, got ${this.n}`);
    this.L = new Layout({ ...workload.layout(), workers: this.n + 1 });
    this.m = this.L.create();
    this.ctx = makeCtx(this.m, this.n, { design: world.design, bug: world.bug, scope: world.scope, plan: world.plan, reporter: new ListReporter(this.n) });
    const spec = workload.setup(this.ctx);
    this.snapshot = this.m.slice();
    this.k = new CtlLayout(this.n, this.L.nLocks, maxSteps);
    this.c = this.k.create();
    this.pool = workerPool(new URL('./worker.ts', import.meta.url), this.n);
    this.tasks = workload.names.map((_, actor) => {
      const t: ExploreTask = { m: this.m, c: this.c, actor, names: workload.names, spec, design: world.design, bug: world.bug, scope: world.scope, plan: world.plan, grantLocks: world.grantLocks === true };
      return this.pool.run(t).catch((e: unknown) => {
        this.failed = e;
      });
    });
  }

  static async open(workload: Workload, world: World, maxSteps = MAX_STEPS): Promise<Session> {
    await preloadUserLocks(Object.values(world.plan)); // user lock modules: the main thread builds handles too (setup)
    const s = new Session(workload, world, maxSteps);
    const started = (): boolean => {
      if (s.failed) throw s.failed;
      return Atomics.load(s.c, H.READY) >= s.n;
    };
    try {
      await boundedPoll(started, { what: 'the actors to start (H.READY)', ms: 60_000, pollMs: 2, fault: 'explore: workers did not start within 60 s' });
    } catch (e) {
      await s.pool.destroy();
      throw e;
    }
    return s;
  }

  /** One execution under `strategy`, or null when the strategy is done. */
  run(strategy: Strategy, inject = false): Execution | null {
    const { c, k, n } = this;
    this.m.set(this.snapshot);
    c.fill(0, H.STEP, H.SIZE);
    c[H.VIOLATIONS] = 0;
    c.fill(0, k.results, k.strategy);
    c[H.NACTORS] = n;
    c[H.MAX_STEPS] = k.maxSteps;
    for (let a = 0; a < MAX_ACTORS; a++) {
      c[H.STATUS + a] = a < n ? STATUS.RUNNABLE : STATUS.FINISHED;
      c[H.BLOCKED + a] = NOT_ACQUIRING;
    }
    c[H.DECIDER] = strategy.decider;
    c[H.INJECT] = inject ? 1 : 0;
    c[k.stepStart] = 0;
    Atomics.store(c, H.ABORT, 0);
    Atomics.store(c, H.DONE, 0);
    Atomics.store(c, H.RUNNING, n);
    if (!strategy.newExecution(c, k)) return null;
    const opSeed = c[H.OPRNG]!;
    this.executions++;
    c[H.EXEC]!++;
    const all = (1 << n) - 1;
    const first = DECIDERS[strategy.decider]!.nextTask(c, k, all, -1, false, 0);
    c[k.decisions] = packDecision(first, all, -1);
    c[H.STEP] = 1;
    c[H.CURRENT] = first;
    Atomics.store(c, H.TURN + first, 1);
    Atomics.notify(c, H.TURN + first, 1);
    const userLocks = Object.values(this.world.plan).some(isUserLockKind);
    const bound = userLocks ? USER_LOCK_BOUND_MS : EXECUTION_BOUND_MS;
    const what = `execution ${this.executions} to end (H.DONE)`;
    if (!boundedWait(c, H.DONE, (done) => done !== 0, { what, ms: bound, napMs: bound, giveUp: true })) {
      for (let a = 0; userLocks && a < this.n; a++) {
        const where = userLockWhere(this.m, this.L, a, this.world.plan);
        if (where) throw new FindingError('livelock', `livelock: actor ${this.workload.names[a]} has not finished its step after ${bound / 1000} s${where}`);
      }
      throw new LabFault(`explore: execution ${this.executions} did not end within ${bound / 1000} s (a lab fault)`, { waitedFor: what, boundMs: bound });
    }
    strategy.endExecution?.(c, k);
    return this.collect(opSeed);
  }

  private collect(opSeed: number): Execution {
    const { c, k } = this;
    const end = c[H.END]!;
    const violations: Finding[] = [];
    if (c[H.TEXT_LEN] !== 0) for (const line of readText(c, k)) violations.push(JSON.parse(line) as Finding);
    let outcome: Outcome | null = null;
    if (end === END.NORMAL) {
      // the quiescent audit, as the scenario runner does after its steps
      for (const v of audit(this.m, this.L, { expectEmpty: true }).violations) violations.push({ kind: v.kind, message: v.message, op: 'audit after the execution' });
      if (this.workload.outcome) outcome = this.workload.outcome(c, k, this.ctx);
    }
    let failure: Finding | null = violations[0] ?? null;
    if (!failure && outcome && outcome.expect === 'forbidden') failure = { kind: 'forbidden', message: `${outcome.desc || 'forbidden outcome'}: ${outcome.line}` };
    const steps = c[H.STEP]!;
    const decisions = c.slice(k.decisions, k.decisions + steps);
    const results = c.slice(k.results, k.results + this.n * MAX_OPS * RESULT.SIZE);
    return {
      end,
      steps,
      preemptions: c[H.PREEMPTIONS]!,
      violations,
      outcome,
      failure,
      nondet: c[H.NONDET]!,
      opSeed,
      opKind: (a, i) => results[(a * MAX_OPS + i) * RESULT.SIZE + RESULT.KIND]!,
      opResult: (a, i) => readResult(results, (a * MAX_OPS + i) * RESULT.SIZE),
      get deviations() {
        return deviationsOf(decisions);
      },
      trace: c.slice(k.trace, k.trace + 2 * c[H.TRACE_LEN]!),
    };
  }

  async close(): Promise<void> {
    Atomics.store(this.c, H.QUIT, 1);
    for (let a = 0; a < this.n; a++) {
      Atomics.store(this.c, H.TURN + a, 1);
      Atomics.notify(this.c, H.TURN + a);
    }
    // workers leave their loop at once; if one is stuck (a lab fault), destroy terminates it
    await within(Promise.all(this.tasks), 5000);
    await this.pool.destroy();
  }
}

/** The decisions of a log that deviate from the non-preemptive default: the schedule. */
export function deviationsOf(decisions: Int32Array): Deviation[] {
  const out: Deviation[] = [];
  for (let s = 0; s < decisions.length; s++) {
    const d = decisions[s]!;
    if (decChosen(d) !== defaultChoice(decMask(d), decCurrent(d))) out.push({ step: s, actor: decChosen(d) });
  }
  return out;
}
