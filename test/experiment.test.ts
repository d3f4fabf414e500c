/**
 * `tsync-lab experiment`: axes and their errors, the matrix, exact latency merging,
 * and a tiny experiment end to end through the CLI (JSON valid against its schema,
 * an HTML file written, seeds printed). The browser side: experiment-html.test.ts.
 */
import test from 'ava';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import * as hdr from 'hdr-histogram-js';
import { parseArgs } from 'node:util';
import { UsageError } from '../src/shared/usage-error.ts';
import { STRESS_OPTIONS, stressConfigFrom } from '../src/stress/options.ts';
import { parseVary, mergeAxes, AXIS_NAMES } from '../src/experiment/axes.ts';
import { planCells, runSeed, replayCommand } from '../src/experiment/matrix.ts';
import { runOrder } from '../src/experiment/run.ts';
import { mergeLatency, summarizeHistogram, stat, summarizeCell } from '../src/experiment/summary.ts';
import { experimentSchema } from '../src/experiment/schema.ts';
import { findPreset, PRESETS } from '../src/experiment/presets.ts';
import type { ExperimentResult, RunResult } from '../src/experiment/types.ts';
import { cli } from './helpers/cli.ts';
import { tmpFolder } from './helpers/tmp.ts';

const validate = new Ajv({ strict: true, allErrors: true }).compile(experimentSchema);

test('axes: every axis parses its values; bad names and values are UsageErrors naming the valid ones', (t) => {
  t.deepEqual(parseVary('scope=siglock,tasklist,threadgroup'), { name: 'scope', values: ['siglock', 'tasklist', 'threadgroup'] });
  t.deepEqual(parseVary('threads=2..4,16').values, ['2..4', '16']);
  t.deepEqual(parseVary('siglock=mcs,futex').values, ['mcs', 'futex']);
  t.deepEqual(parseVary('mix=default,churn').values, ['default', 'churn']);
  t.deepEqual(parseVary('mix=tsync=8,clone=1;default').values, ['tsync=8,clone=1', 'default']);
  const axis = t.throws(() => parseVary('colour=red'), { instanceOf: UsageError })!;
  t.regex(axis.message, new RegExp(AXIS_NAMES.join(', ')));
  t.regex(t.throws(() => parseVary('scope=global'), { instanceOf: UsageError })!.message, /bad value "global"; valid: siglock, tasklist, threadgroup/);
  t.regex(t.throws(() => parseVary('siglock=spinny'), { instanceOf: UsageError })!.message, /valid: tas, ttas, ticket, mcs, rw, futex, adaptive, native/);
  t.regex(t.throws(() => parseVary('groups=0'), { instanceOf: UsageError })!.message, /integers 1\.\.1024/);
  t.throws(() => parseVary('threads=8..2'), { instanceOf: UsageError });
  t.throws(() => parseVary('workers=2,2'), { instanceOf: UsageError, message: /given twice/ });
  t.throws(() => parseVary('design='), { instanceOf: UsageError, message: /no values/ });
});

test('presets: the scope preset is scope x groups 1,2,4,8; user axes override preset axes', (t) => {
  const p = findPreset('scope');
  t.deepEqual(p.vary.map((a) => `${a.name}=${a.values.join(',')}`), ['scope=siglock,tasklist,threadgroup', 'groups=1,2,4,8']);
  t.deepEqual(mergeAxes(p.vary, [parseVary('groups=2')]).map((a) => a.values.length), [3, 1]);
  t.deepEqual(mergeAxes(p.vary, [parseVary('workers=1,2')]).map((a) => a.name), ['scope', 'groups', 'workers']);
  t.throws(() => findPreset('nope'), { instanceOf: UsageError, message: /presets: scope, kinds, designs/ });
  for (const q of PRESETS) t.notThrows(() => planCells(q.vary, { duration: q.duration }), q.name);
});

test('matrix: the cross product in row-major order, each cell a validated stress config', (t) => {
  const cells = planCells([parseVary('scope=siglock,threadgroup'), parseVary('groups=1,2,4'), parseVary('siglock=mcs')], { lock: ['siglock=tas', 'tasklist=ticket'], duration: '1s' });
  t.is(cells.length, 6);
  t.deepEqual(cells.map((c) => c.label).slice(0, 4), ['scope=siglock groups=1 siglock=mcs', 'scope=siglock groups=2 siglock=mcs', 'scope=siglock groups=4 siglock=mcs', 'scope=threadgroup groups=1 siglock=mcs']);
  t.is(cells[4]!.config.scope, 'threadgroup');
  t.is(cells[4]!.config.groups, 2);
  t.is(cells[4]!.config.locks.siglock, 'mcs', 'the axis wins over a base --lock');
  t.is(cells[4]!.config.locks.tasklist, 'ticket', 'other base --lock entries stay');
  t.is(replayCommand(cells[4]!.values, '1s'), 'npx tsync-lab stress --scope threadgroup --groups 2 --lock siglock=tas --lock tasklist=ticket --lock siglock=mcs --duration 1s');
  // a combination the layout cannot hold fails before anything runs
  t.throws(() => planCells([parseVary('groups=1,1024')], { threads: '64..64' }), { instanceOf: UsageError, message: /cell groups=1024: .*task slots/ });
  t.is(planCells([], {}).length, 1);
});

test('matrix: mix=default passes no --mix, so the replay command parses and keeps a bug\'s own mix', (t) => {
  const cells = planCells([parseVary('mix=default,churn')], { bug: 'partial-tsync', mix: 'tsync=1', duration: '1s' });
  t.false('mix' in cells[0]!.values);
  const replay = replayCommand(cells[0]!.values, '1s');
  t.notRegex(replay, /--mix/);
  const args = replay.split(' ').slice(3); // after `npx tsync-lab stress`
  const { values } = parseArgs({ args, options: STRESS_OPTIONS, allowPositionals: false, strict: true });
  const replayed = stressConfigFrom({ ...values, seed: '1' });
  t.deepEqual(replayed.mix, cells[0]!.config.mix);
  t.deepEqual(replayed.mix, stressConfigFrom({ bug: 'partial-tsync', seed: '1' }).mix, "the bug's own mix");
  t.regex(replayCommand(cells[1]!.values, '1s'), /--mix attach=1,tsync=2,tsync_esrch=1,clone=8,exit=8,set_nnp=1,syscall=2 /);
});

test('seeds: distinct per cell and repeat, reproducible from the base seed', (t) => {
  const seeds = new Set<number>();
  for (let c = 0; c < 50; c++) for (let r = 0; r < 5; r++) seeds.add(runSeed(42, c, r));
  t.is(seeds.size, 250);
  t.is(runSeed(42, 3, 1), runSeed(42, 3, 1));
  t.not(runSeed(42, 3, 1), runSeed(43, 3, 1));
});

test('run order: rounds of every cell, back and forth, so drift hits every cell alike', (t) => {
  const o = runOrder(3, 2);
  t.deepEqual(o.map((x) => `${x.cell}.${x.repeat}`), ['0.0', '1.0', '2.0', '2.1', '1.1', '0.1']);
  const meanPos = [0, 1, 2].map((c) => o.reduce((a, x, i) => a + (x.cell === c ? i : 0), 0) / 2);
  t.deepEqual(meanPos, [2.5, 2.5, 2.5]);
  t.is(runOrder(4, 3).length, 12);
});

test('latency: merging run histograms equals one histogram of every sample', (t) => {
  const build = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 1e11, numberOfSignificantValueDigits: 3 });
  const all = build();
  const parts = [build(), build(), build()];
  let x = 12345;
  for (let i = 0; i < 30_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const ns = 1000 + (x % 1000) * (i % 3 === 2 ? 500 : 3); // one part has a long tail
    parts[i % 3]!.recordValue(ns);
    all.recordValue(ns);
  }
  const merged = mergeLatency(parts.map(summarizeHistogram))!;
  const direct = summarizeHistogram(all);
  const { histogram: _a, maxUs: maxMerged, ...mergedRest } = merged;
  const { histogram: _b, maxUs: maxDirect, ...directRest } = direct;
  t.deepEqual(mergedRest, directRest);
  // a decoded histogram knows its max only to its precision (3 significant digits)
  t.true(Math.abs(maxMerged - maxDirect) <= maxDirect * 1e-3, `max ${maxMerged} vs ${maxDirect}`);
  t.is(merged.count, 30_000);
  t.true(merged.p99Us > 100, 'the tail of one run shows in the merged p99');
  t.is(mergeLatency([null, null]), null);
  t.deepEqual(stat([5, 1, 3, 10]), { median: 4, min: 1, max: 10 });
});

test('a cell with violations or a crash is marked, not summarised as clean', (t) => {
  const run = (over: Partial<RunResult>): RunResult => ({
    repeat: 0, seed: 1, durationMs: 1000, opsPerSecond: 1000, opsPerSecondByKind: { tsync: 100 }, tsync: { ok: 1, failed: 1 }, latency: null,
    locks: { siglock: { acquisitions: 10, contended: 1, contentionRate: 0.1, maxWaitUs: 5 } }, fairness: { perWorkerOps: [1, 1], minMaxRatio: 1 },
    violationCount: 0, violations: [], crash: null, exitCode: 0, otherCpu: 0, ...over,
  });
  t.is(summarizeCell([run({}), run({})]).status, 'clean');
  const bad = summarizeCell([run({}), run({ violationCount: 2, violations: [{ kind: 'escape', message: 'x' }], exitCode: 1 })]);
  t.is(bad.status, 'violations');
  t.deepEqual(bad.violationKinds, ['escape']);
  t.is(summarizeCell([run({ crash: 'worker 0 during tsync: boom', exitCode: 3 })]).status, 'crashed');
});

test('CLI: a tiny experiment (2 cells) writes JSON matching its schema and an HTML file, prints seeds and tables', async (t) => {
  t.timeout(300_000);
  const dir = tmpFolder('tsync-experiment-', t);
  const json = join(dir, 'x.json');
  const html = join(dir, 'x.html');
  const r = await cli(['experiment', '--vary', 'scope=siglock,tasklist', '--duration', '300ms', '--repeat', '1', '--workers', '2', '--groups', '2', '--seed', '42', '--json', json, '--html', html]);
  t.is(r.code, 0, r.stderr + r.stdout);
  const x = JSON.parse(readFileSync(json, 'utf8')) as ExperimentResult;
  t.true(validate(x), JSON.stringify(validate.errors, null, 1));
  // the schema is not vacuous: broken documents are rejected
  t.false(validate({ ...x, exitCode: 2 }), 'exit 2 writes no file');
  const { runs: _runs, ...noRuns } = x.cells[0]!;
  t.false(validate({ ...x, cells: [noRuns, ...x.cells.slice(1)] }), 'a cell without runs');
  t.false(validate({ ...x, extra: 1 }), 'an unknown top-level field');
  t.false(validate({ ...x, cells: [{ ...x.cells[0]!, runs: [{ ...x.cells[0]!.runs[0]!, opsPerSec: 1 }] }] }), 'an unknown run field');
  t.is(x.cells.length, 2);
  t.deepEqual(x.cells.map((c) => c.coords['scope']), ['siglock', 'tasklist']);
  t.is(x.baseSeed, 42);
  for (const c of x.cells) {
    t.is(c.runs.length, 1);
    t.is(c.summary.status, 'clean');
    t.is(c.config.workers, 2);
    t.true(c.summary.opsPerSecond.median > 0);
    t.true((c.summary.latency?.count ?? 0) > 0, 'TSYNC latency recorded');
    t.true(c.runs[0]!.seed === runSeed(42, c.index, 0) && r.stderr.includes(`seed ${c.runs[0]!.seed}`), 'derived seeds printed');
  }
  // per op, since the two cells ran at different rates
  const tasklistPerOp = (c: (typeof x.cells)[number]) => c.runs[0]!.locks['tasklist']!.acquisitions / ((c.runs[0]!.opsPerSecond * c.runs[0]!.durationMs) / 1000);
  t.true(tasklistPerOp(x.cells[1]!) > tasklistPerOp(x.cells[0]!), 'scope=tasklist takes tasklist_lock around every TSYNC');
  t.regex(r.stderr, /\[1\/2\] cell 1 run 1\/1: scope=siglock, seed \d+ \(ETA [\d.ms]+\)/);
  t.regex(r.stdout, /by scope \(median/);
  t.regex(r.stdout, /^\s+tasklist\s+1\s/m);
  t.true(existsSync(html));
  const page = readFileSync(html, 'utf8');
  t.regex(page, /Chart\.js v4/);
  t.notRegex(page, /<script[^>]+src=|<link[^>]+href=/, 'self-contained: no external scripts or styles');
});

test('CLI: bad axis name or value -> exit 2, one line listing the valid ones', async (t) => {
  const r = await cli(['experiment', '--vary', 'scope=global', '--duration', '300ms']);
  t.is(r.code, 2);
  t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  t.regex(r.stderr, /--vary scope: bad value "global"; valid: siglock, tasklist, threadgroup/);
  t.is(r.stdout, '');
});
