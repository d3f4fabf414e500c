/**
 * Running a scenario on the model, one step at a time, each step executed as the
 * named thread on the main thread (worker 0). After every step a quiescent audit
 * runs (refcount conservation, cycles, mode/head); violations are collected.
 */
import { Layout } from '../shared/layout.ts';
import { ListReporter, type Violation } from '../seccomp/violations.ts';
import { makeCtx } from '../seccomp/world.ts';
import { createProcess } from '../seccomp/process.ts';
import { tidOf } from '../seccomp/task.ts';
import { ALLOC } from '../shared/layout.ts';
import { audit } from '../seccomp/audit.ts';
import { decodeResult, runOp } from './concurrent-ops.ts';
import type { Ctx, Scope } from '../seccomp/context.ts';
import type { BugName } from '../seccomp/bug.ts';
import type { Hook } from '../shared/seam.ts';
import { threadState } from './thread-state.ts';
import type { Result, Scenario, StepResult, ThreadState } from './types.ts';

export interface RunOptions {
  design: string;
  bug?: BugName | null;
  scope?: Scope;
  /** called after every step (and its audit) with the state at that point (tests) */
  onStep?: (snap: StepSnapshot) => void;
  /** an engine hook plugged into the seam for the run (noise, lockdep, a scheduler, a probe) */
  hook?: Hook;
}

/** The state after one step, as `onStep` sees it. */
export interface StepSnapshot {
  index: number;
  step: Scenario['steps'][number];
  result: StepResult;
  /** every thread named so far, as in the final Result */
  threads: Record<string, ThreadState>;
  /** filter nodes allocated right now */
  liveNodes: number;
  /** violations reported so far (model checkers and audits) */
  violations: number;
}

export interface RunOutput {
  result: Result;
  violations: Violation[];
  /** filter nodes still allocated at the end */
  liveNodes: number;
}


export function runScenarioFull(s: Scenario, o: RunOptions): RunOutput {
  const clones = s.steps.filter((x) => x.op === 'clone').length;
  const attaches = s.steps.filter((x) => x.op === 'attach').length;
  const nThreads = s.threads.length + clones;
  const L = new Layout({ maxTasks: nThreads + 1, maxFilters: Math.max(16, attaches * (nThreads + 1) + 4), groups: 1, workers: 1, ringSize: 64, extraLocks: 0, scratchWords: 0 });
  const m = L.create();
  const reporter = new ListReporter(0);
  const ctx: Ctx = makeCtx(m, 0, { design: o.design, bug: o.bug ?? null, scope: o.scope ?? 'siglock', reporter });
  if (o.hook) ctx.seam.hook = o.hook;

  const names = [...s.threads];
  const labels: string[] = ['']; // label ids start at 1
  const labelId = (l: string) => {
    labels.push(l); // every attach creates a new node, even if the label repeats
    return labels.length - 1;
  };
  const tasks = new Map<string, number>();
  const initial = createProcess(ctx, { group: 0, threads: s.threads.length, privileged: s.privileged });
  if (!initial) throw new Error('task table too small for the scenario');
  s.threads.forEach((n, i) => tasks.set(n, initial[i]!));
  const byTid = new Map<number, string>();
  for (const [n, t] of tasks) byTid.set(tidOf(ctx, t), n); // every thread is entered here or at its clone
  const tidName = (tid: number) => byTid.get(tid) ?? `tid${tid}`;

  const violations: Violation[] = reporter.list;
  const steps: StepResult[] = [];
  s.steps.forEach((st, i) => {
    ctx.op = `step ${i} ${st.op}`;
    if (st.op === 'clone') names.push(st.child!); // named even if the clone fails (it reads as exited)
    // the one op table of every engine (a sequential step is an actor op run on the main thread)
    const r = runOp(ctx, tasks.get(st.thread)!, st, st.op === 'attach' ? labelId(st.filter!) : 0);
    if (st.op === 'clone' && r.code === 0) {
      tasks.set(st.child!, r.child);
      byTid.set(tidOf(ctx, r.child), st.child!);
    }
    steps.push(decodeResult(r.code, r.arg, tidName));
    for (const v of audit(m, L).violations) violations.push({ ...v, op: ctx.op });
    if (o.onStep) o.onStep({ index: i, step: st, result: steps[steps.length - 1]!, threads: threadStates(), liveNodes: Atomics.load(m, L.alloc + ALLOC.NODE_LIVE), violations: violations.length });
  });

  function threadStates(): Record<string, ThreadState> {
    const threads: Record<string, ThreadState> = {};
    for (const n of names) threads[n] = threadState(ctx, tasks.get(n), labels);
    return threads;
  }
  const threads = threadStates();
  // the leak check: once every thread has exited, no node may be left (the other audit
  // findings were already reported after the step that caused them)
  const fin = audit(m, L, { expectEmpty: true });
  for (const v of fin.violations) if (v.kind === 'leak') violations.push({ ...v, op: 'leak check' });
  return { result: { steps, threads }, violations, liveNodes: fin.liveNodes };
}

/** The contract other tools use: the result of running `s` under a design. */
export function runScenario(s: Scenario, opts: { design: string; bug?: BugName }): Result {
  return runScenarioFull(s, opts).result;
}
