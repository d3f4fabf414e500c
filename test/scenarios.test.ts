/**
 * Every scenario file, run on the model with its expectations.
 *
 *   test/scenarios/*.json                  design merged; also run on the real kernel by
 *                                          `diff`/`conformance`, so only kernel ops
 *   test/scenarios-design/<design>/*.json  that design (model only: sync ops, other
 *                                          designs' semantics, inexpressible insns)
 *
 * Each must carry an `expect`, meet it, and cause no violation (checkers and the
 * per-step audits); a scenario that ends with every thread exited must leave no
 * filter node allocated. A design file named like a file of test/scenarios/ must
 * have the very same steps: only the expectation differs, so the pair shows the
 * design difference. Then the differences themselves, stated as assertions.
 */
import test from 'ava';
import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseScenarioFile } from '../src/scenario/parse.ts';
import { runScenarioFull, type RunOutput } from '../src/scenario/run.ts';
import { compareResults } from '../src/scenario/compare.ts';
import { DESIGN_NAMES } from '../src/seccomp/designs/index.ts';
import { FLAG, KNOWN_FLAGS } from '../src/seccomp/design.ts';
import { Layout } from '../src/shared/layout.ts';
import { ListReporter } from '../src/seccomp/violations.ts';
import { makeCtx } from '../src/seccomp/world.ts';
import { createProcess } from '../src/seccomp/process.ts';
import { setNnp } from '../src/seccomp/task.ts';
import { FLAG_BITS, type Result, type Scenario, type StepResult, type ThreadState } from '../src/scenario/types.ts';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const BASE_DIR = join(ROOT, 'scenarios');
const DESIGN_DIR = join(ROOT, 'scenarios-design');

const jsonFiles = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];

interface Case {
  file: string;
  rel: string;
  design: string;
}

/** The design subfolders of test/scenarios-design/. */
const designDirs = (): string[] =>
  readdirSync(DESIGN_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

const cases: Case[] = [
  ...jsonFiles(BASE_DIR).map((f) => ({ file: join(BASE_DIR, f), rel: `scenarios/${f}`, design: 'merged' })),
  ...designDirs().flatMap((d) =>
    jsonFiles(join(DESIGN_DIR, d)).map((f) => ({ file: join(DESIGN_DIR, d, f), rel: `scenarios-design/${d}/${f}`, design: d })),
  ),
];

const load = (name: string): Scenario => parseScenarioFile(join(BASE_DIR, `${name}.json`));
const loadDesign = (design: string, name: string): Scenario => parseScenarioFile(join(DESIGN_DIR, design, `${name}.json`));

function showViolations(out: RunOutput): string[] {
  return out.violations.map((v) => `${v.kind}: ${v.message}${v.op ? ` (${v.op})` : ''}`);
}

const allDead = (r: Result): boolean => Object.values(r.threads).every((th) => !th.alive);

// ---- the files ---------------------------------------------------------------------

test('the selftest ports are all there', (t) => {
  const ports = [
    'two_siblings_with_ancestor',
    'two_sibling_want_nnp',
    'two_siblings_with_no_filter',
    'two_siblings_with_one_divergence',
    'two_siblings_with_one_divergence_no_tid_in_err',
    'two_siblings_not_under_filter',
    'TSYNC_first',
    'tsync_vs_dead_thread_leader',
  ];
  for (const p of ports) t.true(existsSync(join(BASE_DIR, `${p}.json`)), p);
  t.true(cases.length >= 40, `${cases.length} scenario files`);
});

test('design folders are named after designs', (t) => {
  t.deepEqual(designDirs(), [...DESIGN_NAMES].sort());
  for (const d of designDirs()) t.true(DESIGN_NAMES.includes(d), `test/scenarios-design/${d}: not a design (${DESIGN_NAMES.join(', ')})`);
});

for (const c of cases) {
  test(`${c.rel} [${c.design}]`, (t) => {
    const s = parseScenarioFile(c.file);
    t.truthy(s.expect, 'every scenario file carries an expect');
    t.is(s.expect?.steps?.length, s.steps.length, 'every step has an expectation');
    const out = runScenarioFull(s, { design: c.design });
    t.deepEqual(compareResults(s.expect!, out.result), [], 'expectations met');
    t.deepEqual(showViolations(out), [], 'no violations');
    if (allDead(out.result)) t.is(out.liveNodes, 0, 'every thread exited: no node left');
  });
}

test('test/scenarios/ only uses what the real kernel can do', (t) => {
  for (const f of jsonFiles(BASE_DIR)) {
    const s = parseScenarioFile(join(BASE_DIR, f));
    s.steps.forEach((st, i) => {
      t.not(st.op, 'sync', `${f} step ${i}: sync is separate-sync only`);
      // insns outside 1..4096 are fine: the helper submits an empty or a 4097+ program
      // and the kernel answers EINVAL itself (the errno_einval_* scenarios pin that)
    });
  }
});

test('a design file named like a base scenario has the same steps', (t) => {
  let pairs = 0;
  for (const d of designDirs()) {
    for (const f of jsonFiles(join(DESIGN_DIR, d))) {
      if (!existsSync(join(BASE_DIR, f))) continue;
      const base = parseScenarioFile(join(BASE_DIR, f));
      const other = parseScenarioFile(join(DESIGN_DIR, d, f));
      t.deepEqual([other.privileged, other.threads, other.steps], [base.privileged, base.threads, base.steps], `${d}/${f}`);
      pairs++;
    }
  }
  t.true(pairs >= 15, `${pairs} pairs`);
});

// ---- errno rules the file format cannot express ------------------------------------

function world(design: string, privileged: boolean, threads: number) {
  const L = new Layout({ maxTasks: threads + 2, maxFilters: 32, groups: 1, workers: 1, ringSize: 64, extraLocks: 0, scratchWords: 0 });
  const m = L.create();
  const reporter = new ListReporter(0);
  const ctx = makeCtx(m, 0, { design, reporter });
  const tasks = createProcess(ctx, { group: 0, threads, privileged })!;
  return { ctx, tasks, reporter };
}

test('unknown flag bits are EINVAL, before EACCES, in every design', (t) => {
  const LOG = 1 << 1; // SECCOMP_FILTER_FLAG_LOG: real, but unknown to the model
  for (const design of DESIGN_NAMES) {
    const { ctx, tasks, reporter } = world(design, false, 2);
    const [main] = tasks as [number];
    t.like(ctx.design.attach(ctx, main, { label: 1, insns: 1, flags: LOG }), { ok: false, errno: 'EINVAL' }, `${design}: no nnp`);
    setNnp(ctx, main);
    t.like(ctx.design.attach(ctx, main, { label: 1, insns: 1, flags: LOG }), { ok: false, errno: 'EINVAL' }, design);
    t.like(ctx.design.attach(ctx, main, { label: 1, insns: 1, flags: FLAG.TSYNC | (1 << 5) }), { ok: false, errno: 'EINVAL' }, design);
    t.like(ctx.design.attach(ctx, main, { label: 1, insns: 1, flags: 0 }), { ok: true }, design);
    t.deepEqual(reporter.list, []);
  }
});

// ---- the designs differ exactly where described ------------------------------------

const run = (s: Scenario, design: string) => {
  const out = runScenarioFull(s, { design });
  return { ...out.result, violations: showViolations(out) };
};
const filtersOf = (th: ThreadState | undefined) => (th && th.alive ? th.filters : null);
const last = (steps: StepResult[]) => steps[steps.length - 1];

test('divergence: merged fails with the first tid and changes nothing; force-compose composes; separate-sync has no TSYNC flag', (t) => {
  const s = load('two_siblings_with_one_divergence');
  const merged = run(s, 'merged');
  const force = run(s, 'force-compose');
  const separate = run(s, 'separate-sync');
  t.deepEqual([merged.violations, force.violations, separate.violations], [[], [], []]);

  t.deepEqual(last(merged.steps), { result: 'tsync_failed', thread: 'sib0' });
  t.deepEqual(filtersOf(merged.threads['main']), ['root']);
  t.deepEqual(filtersOf(merged.threads['sib1']), ['root'], 'all-or-nothing: the eligible sibling is untouched');

  t.deepEqual(last(force.steps), { result: 'ok' }, 'force-compose never fails on divergence');
  t.deepEqual(filtersOf(force.threads['sib0']), ['apply', 'div', 'root'], 'the divergent thread gets [apply, div, root]');
  t.deepEqual(filtersOf(force.threads['sib1']), ['apply', 'root']);
  t.deepEqual(filtersOf(force.threads['main']), ['apply', 'root']);

  t.deepEqual(last(separate.steps), { result: 'error', errno: 'EINVAL' }, 'separate-sync: attach with the tsync flag is EINVAL');
  t.deepEqual(separate.threads, merged.threads, 'and, like a failed merged TSYNC, changes nothing');
});

test('separate-sync: sync needs filter mode; partial application; the LAST failing tid', (t) => {
  const needs = run(loadDesign('separate-sync', 'sync_needs_filter_mode'), 'separate-sync');
  t.deepEqual(needs.steps[0], { result: 'error', errno: 'EACCES' }, 'caller DISABLED');
  t.deepEqual(needs.steps[2], { result: 'error', errno: 'EACCES' }, 'NNP alone is not enough');
  t.deepEqual(needs.steps[4], { result: 'ok' });

  const partial = run(loadDesign('separate-sync', 'sync_partial_application'), 'separate-sync');
  t.deepEqual(last(partial.steps), { result: 'tsync_failed', thread: 'b' });
  t.deepEqual(filtersOf(partial.threads['a']), ['apply', 'root'], 'synced before the failure and kept');
  t.deepEqual(filtersOf(partial.threads['c']), ['apply', 'root'], 'synced after the failure: the walk goes on');
  t.deepEqual(filtersOf(partial.threads['b']), ['div', 'root']);

  const lastTid = loadDesign('separate-sync', 'sync_last_failing_tid');
  t.deepEqual(last(run(lastTid, 'separate-sync').steps), { result: 'tsync_failed', thread: 'c' }, 'separate-sync: last');
  // the same divergences with a merged TSYNC: the first one, and nobody changes
  const asMerged: Scenario = {
    ...lastTid,
    steps: [...lastTid.steps.slice(0, -2), { thread: 'main', op: 'attach', filter: 'apply', flags: ['tsync'] }],
  };
  delete asMerged.expect;
  const m = run(asMerged, 'merged');
  t.deepEqual(last(m.steps), { result: 'tsync_failed', thread: 'a' }, 'merged: first');
  t.deepEqual(filtersOf(m.threads['b']), ['root']);
  t.deepEqual(m.violations, []);

  // the walk starts after the caller and wraps: the last failing one is the thread just before it
  const middle = run(loadDesign('separate-sync', 'sync_walk_starts_after_caller'), 'separate-sync');
  t.deepEqual(last(middle.steps), { result: 'tsync_failed', thread: 'A' });
  t.deepEqual(last(run(load('lab_first_failing_caller_in_middle'), 'merged').steps), { result: 'tsync_failed', thread: 'main' });

  for (const r of [needs, partial, middle]) t.deepEqual(r.violations, []);
});

test('nnp: merged spreads it to every synced thread, separate-sync only to DISABLED ones', (t) => {
  const merged = run(load('lab_nnp_spread_to_filtered_sibling'), 'merged');
  const separate = run(loadDesign('separate-sync', 'sync_nnp_only_for_disabled'), 'separate-sync');
  t.like(merged.threads['sib'], { nnp: true });
  t.like(separate.threads['sib'], { nnp: false, filters: ['apply', 'root'] });
  t.like(separate.threads['dis'], { nnp: true, mode: 'filter' });
});

test('force-compose: ENOMEM when a divergent thread cannot take the program, all or nothing', (t) => {
  const s = load('lab_enomem_path_limit');
  const merged = run(s, 'merged');
  const force = run(s, 'force-compose');
  t.deepEqual(merged.steps[11], { result: 'tsync_failed', thread: 'sib' });
  t.deepEqual(force.steps[11], { result: 'error', errno: 'ENOMEM' });
  t.deepEqual(force.threads, merged.threads);
});

test('where no TSYNC fails, force-compose and merged agree on every base scenario', (t) => {
  let compared = 0;
  for (const f of jsonFiles(BASE_DIR)) {
    const s = parseScenarioFile(join(BASE_DIR, f));
    const merged = run(s, 'merged');
    if (merged.steps.some((r) => r.result === 'tsync_failed' || (r.result === 'error' && r.errno === 'ESRCH'))) continue;
    t.deepEqual(run(s, 'force-compose'), merged, f);
    compared++;
  }
  t.true(compared >= 10, `${compared} compared`);
});

test('without flags and sync ops, every design agrees on every base scenario', (t) => {
  let compared = 0;
  for (const f of jsonFiles(BASE_DIR)) {
    const s = parseScenarioFile(join(BASE_DIR, f));
    if (s.steps.some((st) => (st.flags?.length ?? 0) > 0)) continue;
    const merged = run(s, 'merged');
    for (const d of DESIGN_NAMES) t.deepEqual(run(s, d), merged, `${f} under ${d}`);
    compared++;
  }
  t.true(compared >= 2, `${compared} compared`);
});

test('a zombie leader is skipped alike by every design', (t) => {
  const s = load('tsync_vs_dead_thread_leader');
  const merged = run(s, 'merged');
  t.deepEqual(run(s, 'force-compose'), merged);
  const separate = run(loadDesign('separate-sync', 'sync_skips_zombie_leader'), 'separate-sync');
  t.deepEqual(separate.threads, merged.threads);
});

test('the scenario format and the model agree on the flag bits (uapi values)', (t) => {
  t.is(FLAG_BITS.tsync, FLAG.TSYNC);
  t.is(FLAG_BITS.tsync_esrch, FLAG.TSYNC_ESRCH);
  t.is(FLAG_BITS.unknown & KNOWN_FLAGS, 0);
});
