/**
 * The overridable operations: each design's `uses` is exactly the set of operations
 * its code calls (recorded over a small workload that reaches every path), so the
 * designs a seeded bug applies to cannot drift from the code.
 */
import test from 'ava';
import { Layout } from '../src/shared/layout.ts';
import { makeCtx } from '../src/seccomp/world.ts';
import { Ctx } from '../src/seccomp/context.ts';
import { ListReporter } from '../src/seccomp/violations.ts';
import { CORRECT_OPS, type ModelOps, type OpName } from '../src/seccomp/ops.ts';
import { DESIGNS } from '../src/seccomp/designs/index.ts';
import { FLAG } from '../src/seccomp/design.ts';
import { createProcess } from '../src/seccomp/process.ts';
import { cloneThread } from '../src/seccomp/clone.ts';
import { exitThread } from '../src/seccomp/exit.ts';
import { setNnp } from '../src/seccomp/task.ts';

function recording(called: Set<OpName>): ModelOps {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(CORRECT_OPS) as [OpName, (...a: unknown[]) => unknown][]) {
    out[name] = (...args: unknown[]) => {
      called.add(name);
      return fn(...args);
    };
  }
  return out as unknown as ModelOps;
}

for (const design of DESIGNS) {
  test(`design ${design.name} calls exactly the operations it declares`, (t) => {
    const L = new Layout({ maxTasks: 16, maxFilters: 64, groups: 1, workers: 1, ringSize: 16, extraLocks: 0, scratchWords: 0 });
    const m = L.create();
    const reporter = new ListReporter(0);
    const called = new Set<OpName>();
    const base = makeCtx(m, 0, { design: design.name, reporter });
    const ctx = new Ctx(base.seam, { design, reporter, ops: recording(called) });
    const [a, b, c] = createProcess(ctx, { group: 0, threads: 3, privileged: false })!;
    for (const th of [a!, b!, c!]) setNnp(ctx, th);
    design.attach(ctx, b!, { label: 1, insns: 1, flags: 0 }); // b diverges
    design.tsync(ctx, a!, { label: 2, insns: 1, flags: FLAG.TSYNC }); // fails, or composes on b
    design.tsync(ctx, b!, { label: 3, insns: 1, flags: FLAG.TSYNC }); // b's chain is everyone's ancestor now, or a's is not
    if (design.hasSyncOp) design.sync(ctx, a!);
    ctx.ops.retryAttempt(ctx, c!, 4, 1); // the caller loop's first attempt
    const r = cloneThread(ctx, c!);
    t.true(r.ok);
    for (const th of [a!, b!, c!]) exitThread(ctx, th);
    if (r.ok) exitThread(ctx, r.child);
    t.deepEqual(reporter.list.map((v) => `${v.kind}: ${v.message}`), []);
    t.deepEqual([...called].sort(), [...design.uses].sort());
  });
}
