/**
 * Preparing the copies, once per run (the main thread): one big lab buffer with one
 * thread group per copy, every copy's setup run in its own group, then a post-setup
 * snapshot. Rounds never prepare anything again: they reset the part of the buffer
 * they used from the snapshot (see reset.ts). Slots and filters made by setup are
 * thus reused by every round.
 */
import { ALLOC, Layout, type LayoutConfig } from '../shared/layout.ts';
import { makeCtx, type WorldOptions } from '../seccomp/world.ts';
import { ListReporter } from '../seccomp/violations.ts';
import { allThreadNames, labelPlan, runSetup, type LabelPlan } from '../scenario/concurrent-ops.ts';
import { installsFilter, type ConcurrentScenario } from '../scenario/concurrent-types.ts';
import type { StepResult } from '../scenario/types.ts';
import { UsageError } from '../shared/usage-error.ts';

/** Task slots and filter nodes one copy may use (setup plus one round of actor ops). */
export function perCopy(s: ConcurrentScenario): { tasks: number; filters: number } {
  const all = [...s.setup, ...s.actorNames.flatMap((a) => s.actors[a]!)];
  const tasks = s.threads.length + all.filter((o) => o.op === 'clone').length;
  const attaches = all.filter(installsFilter).length;
  // force-compose may give every thread its own composed node per attach
  return { tasks, filters: attaches * (tasks + 1) + 2 };
}

/** Hard limits of the layout: 65535 task slots and filter nodes, 4096 groups. */
export const MAX_COPIES = 4096;

export function maxCopies(s: ConcurrentScenario): number {
  const p = perCopy(s);
  return Math.min(MAX_COPIES, Math.floor(65000 / p.tasks), Math.floor(65000 / Math.max(1, p.filters)));
}

export interface Prepared {
  L: Layout;
  m: Int32Array;
  /** the buffer right after every copy's setup (shared, so workers do not get a copy each) */
  snapshot: Int32Array;
  copies: number;
  plan: LabelPlan;
  /** every thread name a run may produce: initial threads, then clone children in file order */
  names: string[];
  /** copies x names: task handle and tid of each thread after setup (0 = not created by setup) */
  handles: Int32Array;
  tids: Int32Array;
  setupResults: StepResult[];
  /** slot bounds after copy c's setup: tasks [0, taskEnd[c]) and nodes [0, nodeEnd[c]) */
  taskEnd: Int32Array;
  nodeEnd: Int32Array;
  /** setup freed something: the free lists are not empty, reset whole slot ranges */
  freeLists: boolean;
}

export function prepare(s: ConcurrentScenario, copies: number, world: Omit<WorldOptions, 'reporter'>, actors: number): Prepared {
  const p = perCopy(s);
  const cfg: Partial<LayoutConfig> = {
    maxTasks: copies * p.tasks + 1,
    maxFilters: copies * p.filters + 4,
    groups: copies,
    workers: actors + 1,
    ringSize: 16,
    extraLocks: 0,
    scratchWords: 0,
  };
  const L = new Layout(cfg);
  const m = L.create();
  const reporter = new ListReporter(actors);
  const ctx = makeCtx(m, actors, { ...world, reporter });
  const plan = labelPlan(s);
  const names = allThreadNames(s);
  const handles = new Int32Array(copies * names.length);
  const tids = new Int32Array(copies * names.length);
  const taskEnd = new Int32Array(copies);
  const nodeEnd = new Int32Array(copies);
  let setupResults: StepResult[] = [];
  for (let g = 0; g < copies; g++) {
    const st = runSetup(ctx, s, plan, g);
    names.forEach((n, i) => {
      handles[g * names.length + i] = st.handles[n] ?? 0;
      tids[g * names.length + i] = st.tids[n] ?? 0;
    });
    if (g === 0) setupResults = st.results;
    taskEnd[g] = m[L.alloc + ALLOC.TASK_BUMP]!;
    nodeEnd[g] = m[L.alloc + ALLOC.NODE_BUMP]!;
  }
  if (reporter.list.length) throw new UsageError(`${s.name}: setup itself reports ${reporter.list[0]!.kind}: ${reporter.list[0]!.message}`);
  const snapshot = new Int32Array(new SharedArrayBuffer(m.byteLength));
  snapshot.set(m);
  const freeLists = m[L.alloc + ALLOC.TASK_FREE] !== 0 || m[L.alloc + ALLOC.NODE_FREE] !== 0;
  return { L, m, snapshot, copies, plan, names, handles, tids, setupResults, taskEnd, nodeEnd, freeLists };
}
