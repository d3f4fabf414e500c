/**
 * A small single-worker workload that reaches every overridable operation of every
 * design (src/seccomp/ops.ts), run with the operations in force wrapped so that each
 * call is recorded by name: test/ops.test.ts and test/bug-steps.test.ts.
 */
import { Layout } from '../../src/shared/layout.ts';
import { makeCtx } from '../../src/seccomp/world.ts';
import { Ctx } from '../../src/seccomp/context.ts';
import { ListReporter } from '../../src/seccomp/violations.ts';
import type { ModelOps, OpName } from '../../src/seccomp/ops.ts';
import type { Design } from '../../src/seccomp/design.ts';
import { FLAG } from '../../src/seccomp/design.ts';
import type { BugName } from '../../src/seccomp/bug.ts';
import { findBug } from '../../src/seccomp/bug-registry.ts';
import { createProcess } from '../../src/seccomp/process.ts';
import { cloneThread } from '../../src/seccomp/clone.ts';
import { exitThread } from '../../src/seccomp/exit.ts';
import { setNnp } from '../../src/seccomp/task.ts';

function recording(ops: ModelOps, called: Set<OpName>): ModelOps {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(ops) as [OpName, (...a: unknown[]) => unknown][]) {
    out[name] = (...args: unknown[]) => {
      called.add(name);
      return fn(...args);
    };
  }
  return out as unknown as ModelOps;
}

export interface OpRun {
  /** the operations called, by name */
  called: Set<OpName>;
  /** the violations reported, as "kind: message" */
  violations: string[];
  /** the clone succeeded */
  cloned: boolean;
}

/**
 * Run the workload on `design`, with the correct operations or `bug`'s (its locks and
 * broken contracts too), and `extra` replacements on top (negative controls).
 */
export function runOpWorkload(design: Design, bug: BugName | null = null, extra: Partial<ModelOps> = {}): OpRun {
  const L = new Layout({ maxTasks: 16, maxFilters: 64, groups: 1, workers: 1, ringSize: 16, extraLocks: 0, scratchWords: 0 });
  const m = L.create();
  const reporter = new ListReporter(0);
  const called = new Set<OpName>();
  const base = makeCtx(m, 0, { design: design.name, bug, reporter });
  const ctx = new Ctx(base.seam, { design, reporter, ops: recording({ ...base.ops, ...extra }, called), broken: bug ? (findBug(bug).breaks ?? []) : [] });
  const [a, b, c] = createProcess(ctx, { group: 0, threads: 3, privileged: false })!;
  for (const th of [a!, b!, c!]) setNnp(ctx, th);
  design.tsync(ctx, a!, { label: 5, insns: 1, flags: FLAG.TSYNC }); // succeeds: nobody has diverged yet
  design.attach(ctx, b!, { label: 1, insns: 1, flags: 0 }); // b diverges
  design.tsync(ctx, a!, { label: 2, insns: 1, flags: FLAG.TSYNC }); // fails, or composes on b
  design.tsync(ctx, b!, { label: 3, insns: 1, flags: FLAG.TSYNC }); // b's chain is everyone's ancestor now, or a's is not
  if (design.hasSyncOp) design.sync(ctx, a!);
  ctx.ops.retryAttempt(ctx, c!, 4, 1); // the caller loop's first attempt
  const r = cloneThread(ctx, c!);
  for (const th of [a!, b!, c!]) exitThread(ctx, th);
  if (r.ok) exitThread(ctx, r.child);
  return { called, violations: reporter.list.map((v) => `${v.kind}: ${v.message}`), cloned: r.ok };
}
