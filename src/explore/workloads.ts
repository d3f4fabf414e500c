/**
 * The main-thread side of what is explored: a concurrent scenario file, the stress
 * workload (one group, 2-4 threads, a bounded number of ops per actor, op choices from
 * the schedule's generator; threads 0, 2 start with no_new_privs), or a test probe. Each sets the world up (before the
 * post-setup snapshot), hands the actors their spec, and reads an execution's outcome.
 */
import type { LayoutConfig } from '../shared/layout.ts';
import type { Ctx } from '../seccomp/context.ts';
import { createProcess } from '../seccomp/process.ts';
import { setNnp } from '../seccomp/task.ts';
import { allThreadNames, decodeResult, labelPlan, runSetup, sizesOf, threadStates, type LabelPlan, type SetupState } from '../scenario/concurrent-ops.ts';
import { grade, renderOutcome } from '../scenario/concurrent-outcome.ts';
import { type ActorOp, type ConcurrentResult, type ConcurrentScenario, type Grade } from '../scenario/concurrent-types.ts';
import type { StepResult } from '../scenario/types.ts';
import type { ConcurrentFile } from '../scenario/concurrent-parse.ts';
import { CtlLayout } from './ctl.ts';
import { RESULT, readResult } from '../workers/control.ts';
import { STRESS_OPS, type Probe, type WorkloadSpec } from './actors.ts';

export interface Outcome {
  result: ConcurrentResult;
  line: string;
  expect: Grade;
  desc: string;
}

export interface Workload {
  /** actor names, by actor index */
  readonly names: string[];
  /** what the schedule header says this is: "f=<file hash>", "w=stress.3.4", ... */
  readonly header: string;
  layout(): Partial<LayoutConfig>;
  setup(ctx: Ctx): WorkloadSpec;
  /** the graded outcome of an execution that ended normally (scenario files) */
  outcome?(c: Int32Array, k: CtlLayout, ctx: Ctx): Outcome;
  describeOp(actor: number, i: number, kind: number): string;
}

const BASE = { groups: 1, ringSize: 64, extraLocks: 2, scratchWords: 0 };

export function describeActorOp(op: ActorOp): string {
  switch (op.op) {
    case 'attach':
      return `attach ${op.filter}${op.flags?.length ? ` [${op.flags.join(',')}]` : ''}`;
    case 'clone':
      return `clone -> ${op.child}`;
    case 'tsync_retry':
      return `tsync_retry ${op.filter}`;
    default:
      return op.op;
  }
}

export class ScenarioWorkload implements Workload {
  readonly names: string[];
  readonly header: string;
  readonly s: ConcurrentScenario;
  private plan: LabelPlan | null = null;
  private st: SetupState | null = null;
  private readonly allNames: string[];

  constructor(file: ConcurrentFile) {
    this.s = file.scenario;
    this.names = this.s.actorNames;
    this.header = `f=${file.hash}`;
    this.allNames = allThreadNames(this.s);
  }

  layout(): Partial<LayoutConfig> {
    return { ...BASE, ...sizesOf(this.s) };
  }

  setup(ctx: Ctx): WorkloadSpec {
    this.plan = labelPlan(this.s);
    this.st = runSetup(ctx, this.s, this.plan);
    return { kind: 'scenario', scenario: this.s, handles: this.st.handles, labels: this.plan };
  }

  outcome(c: Int32Array, k: CtlLayout, ctx: Ctx): Outcome {
    const st = this.st!;
    const handles: Record<string, number> = { ...st.handles };
    const names = new Map<number, string>();
    for (const [n, tid] of Object.entries(st.tids)) names.set(tid, n);
    this.names.forEach((a, ai) => {
      this.s.actors[a]!.forEach((op, i) => {
        const at = k.result(ai, i);
        if (op.op === 'clone' && c[at + RESULT.CODE] === 0 && c[at + RESULT.CHILD] !== 0) {
          handles[op.child!] = c[at + RESULT.CHILD]!;
          names.set(c[at + RESULT.CHILD_TID]!, op.child!);
        }
      });
    });
    const tidName = (tid: number) => names.get(tid) ?? `tid${tid}`;
    const actors: Record<string, StepResult[]> = {};
    this.names.forEach((a, ai) => {
      actors[a] = this.s.actors[a]!.map((_, i) => {
        const r = readResult(c, k.result(ai, i));
        return decodeResult(r.code, r.arg, tidName);
      });
    });
    const result: ConcurrentResult = { setup: st.results, actors, threads: threadStates(ctx, this.allNames, handles, this.plan!.labels) };
    const g = grade(this.s, result);
    return { result, line: renderOutcome(this.s, result), expect: g.expect, desc: g.desc };
  }

  describeOp(actor: number, i: number): string {
    return describeActorOp(this.s.actors[this.names[actor]!]![i]!);
  }
}

export class StressWorkload implements Workload {
  readonly names: string[];
  readonly header: string;
  constructor(
    readonly threads: number,
    readonly ops: number,
  ) {
    this.names = Array.from({ length: threads }, (_, i) => `t${i}`);
    this.header = `w=stress.${threads}.${ops}`;
  }

  layout(): Partial<LayoutConfig> {
    const n = this.threads * (this.ops + 1);
    return { ...BASE, maxTasks: n + 1, maxFilters: 64 + n * 4 };
  }

  setup(ctx: Ctx): WorkloadSpec {
    const handles = createProcess(ctx, { group: 0, threads: this.threads, privileged: false })!;
    // every other thread starts with no_new_privs: TSYNC must spread it to the others
    handles.forEach((t, i) => {
      if (i % 2 === 0) setNnp(ctx, t);
    });
    return { kind: 'stress', ops: this.ops, handles, hasSync: ctx.design.hasSyncOp };
  }

  describeOp(_actor: number, _i: number, kind: number): string {
    return STRESS_OPS[kind] ?? `op ${kind}`;
  }
}

export class ProbeWorkload implements Workload {
  readonly names: string[];
  readonly header: string;
  constructor(
    readonly probe: Probe,
    readonly k: number,
    actors = 2,
  ) {
    this.names = Array.from({ length: actors }, (_, i) => String.fromCharCode(97 + i));
    this.header = `w=probe.${probe}.${k}.${actors}`;
  }

  layout(): Partial<LayoutConfig> {
    return { ...BASE, maxTasks: 2, maxFilters: 16 };
  }

  setup(ctx: Ctx): WorkloadSpec {
    return { kind: 'probe', probe: this.probe, k: this.k, locks: [ctx.L.extraLock(0), ctx.L.extraLock(1)] };
  }

  describeOp(): string {
    return this.probe;
  }
}

