/**
 * Running the pieces of a concurrent scenario on the model, whatever engine decides
 * the interleaving: the label plan, the sequential setup, one actor op (as its thread),
 * the one encoding of an op's result as integers (engines pass them through shared
 * memory; explore's and litmus's actors, the setup runner and the sequential runner
 * all use it, and it keeps the errno) and its decoding, and the final thread states.
 */
import type { Ctx } from '../seccomp/context.ts';
import { createProcess } from '../seccomp/process.ts';
import { cloneThread } from '../seccomp/clone.ts';
import { exitThread } from '../seccomp/exit.ts';
import { syscallEntry } from '../seccomp/syscall.ts';
import { setNnp, tidOf } from '../seccomp/task.ts';
import type { OpResult } from '../seccomp/errors.ts';
import { FLAG_BITS, type Errno, type StepResult, type ThreadState } from './types.ts';
import { installsFilter, RETRY_ATTEMPTS, type ActorOp, type ConcurrentScenario } from './concurrent-types.ts';
import { checkRetryDone } from '../seccomp/retry.ts';
import { threadState } from './thread-state.ts';

/** The errno of an encoded result is its index here; every errno of the model is listed (checked below). */
export const ERRNOS = ['EINVAL', 'EACCES', 'ENOMEM', 'ESRCH', 'EAGAIN'] as const satisfies readonly Errno[];
/** a compile error if the model gains an errno this table does not list */
const everyErrnoListed: Exclude<Errno, (typeof ERRNOS)[number]> extends never ? true : never = true;
void everyErrnoListed;

/** Label ids: every attach of the file gets its own (id 0 is "no label"). */
export interface LabelPlan {
  labels: string[];
  setup: number[];
  actors: Record<string, number[]>;
}

export function labelPlan(s: ConcurrentScenario): LabelPlan {
  const labels = [''];
  const id = (op: ActorOp) => {
    if (!installsFilter(op)) return 0;
    labels.push(op.filter!);
    return labels.length - 1;
  };
  const setup = s.setup.map(id);
  const actors: Record<string, number[]> = {};
  for (const a of s.actorNames) actors[a] = s.actors[a]!.map(id);
  return { labels, setup, actors };
}

/** How many task slots and filter nodes a run of `s` can need. */
export function sizesOf(s: ConcurrentScenario): { maxTasks: number; maxFilters: number } {
  const all = [...s.setup, ...s.actorNames.flatMap((a) => s.actors[a]!)];
  const threads = s.threads.length + all.filter((o) => o.op === 'clone').length;
  const attaches = all.filter(installsFilter).length;
  return { maxTasks: threads + 1, maxFilters: Math.max(16, attaches * (threads + 1) + 4) };
}

/** An op's outcome as integers: code 0 ok, 1 errno (arg = index), 2 TSYNC refused (arg = tid); child = clone's child handle. */
export interface EncodedResult {
  code: number;
  arg: number;
  child: number;
}

/** An op that succeeded and returns nothing (set_nnp, exit, syscall, a probe). */
export const OK_RESULT: Readonly<EncodedResult> = { code: 0, arg: 0, child: 0 };

/** The one encoder of a model op's result: ok, the errno (its index in ERRNOS), or the TSYNC refusal's tid. */
export function encodeResult(r: OpResult): EncodedResult {
  if (r.ok) return OK_RESULT;
  if (r.errno === 'TSYNC') return { code: 2, arg: r.tid, child: 0 };
  return { code: 1, arg: ERRNOS.indexOf(r.errno), child: 0 };
}

/** The one decoder: an encoded result as the scenario formats spell it (`tidName` names a refusing thread). */
export function decodeResult(code: number, arg: number, tidName: (tid: number) => string): StepResult {
  if (code === 0) return { result: 'ok' };
  if (code === 2) return { result: 'tsync_failed', thread: tidName(arg) };
  return { result: 'error', errno: ERRNOS[arg] ?? 'EINVAL' };
}

/** What an op did besides its result, for an engine that counts it (stress): the exit ended its group; the nodes a syscall walked. */
export interface OpFacts {
  groupDead: boolean;
  nodes: number;
}

/** The one "run this op" table: one op as task `t`; `label` is its label id (attach); `facts` receives what it did besides its result. */
export function runOp(ctx: Ctx, t: number, op: ActorOp, label: number, facts?: OpFacts): EncodedResult {
  switch (op.op) {
    case 'set_nnp':
      setNnp(ctx, t);
      return OK_RESULT;
    case 'attach': {
      const flags = (op.flags ?? []).reduce((a, f) => a | FLAG_BITS[f], 0);
      return encodeResult(ctx.design.attach(ctx, t, { label, insns: op.insns ?? 1, flags }));
    }
    case 'sync':
      return encodeResult(ctx.design.sync(ctx, t));
    case 'clone': {
      const r = cloneThread(ctx, t);
      return r.ok ? { code: 0, arg: 0, child: r.child } : encodeResult(r);
    }
    case 'exit': {
      const dead = exitThread(ctx, t).groupDead;
      if (facts) facts.groupDead = dead;
      return OK_RESULT;
    }
    case 'syscall': {
      const nodes = syscallEntry(ctx, t);
      if (facts) facts.nodes = nodes;
      return OK_RESULT;
    }
    case 'tsync_retry': {
      // the caller loop: only a refusal naming a thread is retried; success is checked
      let r: OpResult = ctx.ops.retryAttempt(ctx, t, label, 1);
      for (let n = 2; n <= RETRY_ATTEMPTS && !r.ok && r.errno === 'TSYNC'; n++) r = ctx.ops.retryAttempt(ctx, t, label, n);
      if (r.ok) checkRetryDone(ctx, t, label);
      return encodeResult(r);
    }
  }
}

/** The world after setup: every thread's task handle and tid, and the setup results. */
export interface SetupState {
  handles: Record<string, number>;
  tids: Record<string, number>;
  results: StepResult[];
}

/**
 * Create the process (in group slot `group`) and run the setup steps in order (on the
 * calling thread, no engine). litmus prepares many independent copies, one per group.
 */
export function runSetup(ctx: Ctx, s: ConcurrentScenario, plan: LabelPlan, group = 0): SetupState {
  const initial = createProcess(ctx, { group, threads: s.threads.length, privileged: s.privileged });
  if (!initial) throw new Error('task table too small for the scenario');
  const handles: Record<string, number> = {};
  const tids: Record<string, number> = {};
  s.threads.forEach((n, i) => {
    handles[n] = initial[i]!;
    tids[n] = tidOf(ctx, initial[i]!);
  });
  const byTid = (tid: number) => Object.keys(tids).find((n) => tids[n] === tid) ?? `tid${tid}`;
  const results: StepResult[] = [];
  s.setup.forEach((st, i) => {
    ctx.op = `setup ${i} ${st.op}`;
    const r = runOp(ctx, handles[st.thread]!, st, plan.setup[i]!);
    if (st.op === 'clone' && r.code === 0) {
      handles[st.child!] = r.child;
      tids[st.child!] = tidOf(ctx, r.child);
    }
    results.push(decodeResult(r.code, r.arg, byTid));
  });
  return { handles, tids, results };
}

/** Final state of each named thread (a thread never created or gone reads as exited). */
export function threadStates(ctx: Ctx, names: string[], handles: Record<string, number>, labels: string[]): Record<string, ThreadState> {
  const threads: Record<string, ThreadState> = {};
  for (const n of names) threads[n] = threadState(ctx, handles[n], labels);
  return threads;
}

/** Every thread name a run of `s` may produce: initial threads, then clone children in file order. */
export function allThreadNames(s: ConcurrentScenario): string[] {
  const out = [...s.threads];
  for (const op of [...s.setup, ...s.actorNames.flatMap((a) => s.actors[a]!)]) if (op.op === 'clone') out.push(op.child!);
  return out;
}
