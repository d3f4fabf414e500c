/**
 * `experiment --shard I/N` and `merge`: the split is deterministic and balanced,
 * every cell keeps its full-matrix seeds, two real shards merged give the same
 * cells and seeds as the unsharded run, a merge of an unsharded result split
 * into shards gives that result back exactly (histograms included), and
 * different matrices, overlaps and missing shards are refused with one line.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import * as hdr from 'hdr-histogram-js';
import { UsageError } from '../src/shared/usage-error.ts';
import { parseVary } from '../src/experiment/axes.ts';
import { planCells, replayCommand, runSeed } from '../src/experiment/matrix.ts';
import { runExperiment, type ExperimentPlan } from '../src/experiment/run.ts';
import { parseShard, shardOfCells, selectShard, type MatrixIdentity } from '../src/experiment/shard.ts';
import { mergeShards, type ShardFile } from '../src/experiment/merge.ts';
import { experimentSchema } from '../src/experiment/schema.ts';
import { newLatencyHistogram } from '../src/shared/histogram.ts';
import type { ExperimentResult } from '../src/experiment/types.ts';
import { cli } from './helpers/cli.ts';
import { tmpFolder } from './helpers/tmp.ts';

const validate = new Ajv({ strict: true, allErrors: true }).compile(experimentSchema);

const SEED = 11;
const FLAGS = ['--vary', 'groups=1,2,4', '--duration', '200ms', '--repeat', '2', '--workers', '2', '--seed', String(SEED), '--quiet'];

function plan(): { plan: ExperimentPlan; identity: MatrixIdentity } {
  const axes = [parseVary('groups=1,2,4')];
  const cells = planCells(axes, { duration: '200ms', workers: '2' });
  const identity: MatrixIdentity = { axes, cells: cells.map((c) => replayCommand(c.values, '200ms')), repeat: 2, durationMs: 200, baseSeed: SEED, preset: null };
  return { plan: { command: 'test', preset: null, axes, cells, repeat: 2, duration: '200ms', durationMs: 200, baseSeed: SEED }, identity };
}

/** Split a whole result into shard files as `--shard I/N` would have made them. */
function split(x: ExperimentResult, identity: MatrixIdentity, total: number): ShardFile[] {
  const { plan: p } = plan();
  return Array.from({ length: total }, (_, k) => {
    const { info } = selectShard(p.cells, { index: k + 1, total }, identity);
    return { file: `s${k + 1}.json`, result: { ...structuredClone(x), cells: x.cells.filter((c) => info.cells.includes(c.index)), shard: info } };
  });
}

const volatile = ({ createdAt: _c, command: _m, elapsedMs: _e, ...rest }: ExperimentResult) => rest;

let whole: Promise<ExperimentResult> | null = null;
const unsharded = () => (whole ??= runExperiment(plan().plan));

test('--shard I/N parses strictly; the split is deterministic, balanced and covers every cell once', (t) => {
  t.deepEqual(parseShard('2/3'), { index: 2, total: 3 });
  for (const bad of ['0/2', '3/2', '1', 'a/b', '1/0', '-1/2']) t.throws(() => parseShard(bad), { instanceOf: UsageError, message: /--shard must be I\/N/ }, bad);
  for (const [cells, n] of [[12, 2], [7, 3], [2, 5], [100, 7]] as const) {
    const s = shardOfCells(cells, 42, n);
    t.deepEqual(s, shardOfCells(cells, 42, n), 'deterministic');
    const sizes = Array.from({ length: n }, (_, k) => s.filter((x) => x === k + 1).length);
    t.is(sizes.reduce((a, b) => a + b, 0), cells);
    t.true(Math.max(...sizes) - Math.min(...sizes) <= 1, `balanced: ${sizes.join(',')}`);
  }
  t.notDeepEqual(shardOfCells(12, 1, 2), shardOfCells(12, 2, 2), 'the seed picks the split');
});

test('two real shards merged: the same cells, configs and seeds as the unsharded run; shard files valid', async (t) => {
  t.timeout(300_000);
  const dir = tmpFolder('tsync-shard-', t);
  // the two shards as two machines would run them (here one after the other)
  const a = await cli(['experiment', ...FLAGS, '--shard', '1/2', '--json', join(dir, 's1.json')]);
  const b = await cli(['experiment', ...FLAGS, '--shard', '2/2', '--json', join(dir, 's2.json')]);
  t.is(a.code, 0, a.stderr);
  t.is(b.code, 0, b.stderr);
  t.regex(a.stderr, /shard 1\/2: cells #\d( #\d)* of 3/);
  const s1 = JSON.parse(readFileSync(join(dir, 's1.json'), 'utf8')) as ExperimentResult;
  t.true(validate(s1), JSON.stringify(validate.errors));
  t.is(s1.shard?.plannedCells, 3);
  const m = await cli(['merge', join(dir, 's1.json'), join(dir, 's2.json'), '--json', join(dir, 'm.json'), '--html', join(dir, 'm.html')]);
  t.is(m.code, 0, m.stderr);
  t.regex(m.stdout, /by groups \(median/);
  const merged = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as ExperimentResult;
  t.true(validate(merged), JSON.stringify(validate.errors));
  t.false('shard' in merged, 'a merged result is a whole result');
  const x = await unsharded();
  const shape = (r: ExperimentResult) => r.cells.map((c) => ({ index: c.index, label: c.label, coords: c.coords, config: c.config, replay: c.replay, runs: c.runs.map((q) => [q.repeat, q.seed]) }));
  t.deepEqual(shape(merged), shape(x));
  for (const c of merged.cells) for (const r of c.runs) t.is(r.seed, runSeed(SEED, c.index, r.repeat), 'full-matrix seeds');
  t.deepEqual(merged.byAxis['groups']!.map((r) => [r.value, r.cells, r.runs]), x.byAxis['groups']!.map((r) => [r.value, r.cells, r.runs]));
  t.is(merged.baseSeed, x.baseSeed);
});

test('merging an unsharded result split into shards gives it back exactly, HDR histograms included', async (t) => {
  t.timeout(300_000);
  const x = await unsharded();
  const { identity } = plan();
  for (const n of [2, 3]) {
    const parts = split(x, identity, n).reverse(); // the order of files does not matter
    const merged = mergeShards(parts, 'merge');
    t.deepEqual(volatile(merged), volatile(x), `${n} shards`);
  }
  // exact: a cell's merged histogram equals one made by adding its runs' histograms
  for (const c of mergeShards(split(x, identity, 2), 'merge').cells) {
    const merged = hdr.decodeFromCompressedBase64(c.summary.latency!.histogram);
    const sum = newLatencyHistogram();
    for (const r of [...c.runs].reverse()) sum.add(hdr.decodeFromCompressedBase64(r.latency!.histogram));
    t.is(merged.totalCount, c.runs.reduce((a, r) => a + r.latency!.count, 0));
    for (const p of [50, 90, 99, 99.9, 100]) t.is(merged.getValueAtPercentile(p), sum.getValueAtPercentile(p), `p${p}`);
  }
});

test('merge refuses non-shards, different matrices, overlaps and missing shards with one line', async (t) => {
  const x = await unsharded();
  const { identity } = plan();
  const [p1, p2] = split(x, identity, 2) as [ShardFile, ShardFile];
  t.throws(() => mergeShards([{ file: 'w.json', result: x }], 'm'), { instanceOf: UsageError, message: /"w.json" is not a shard/ });
  t.throws(() => mergeShards([p1], 'm'), { instanceOf: UsageError, message: /incomplete: shard 2\/2 missing/ });
  t.throws(() => mergeShards([p1, { ...p1, file: 'again.json' }], 'm'), { instanceOf: UsageError, message: /overlap: both are shard 1\/2/ });
  const [q1] = split(x, { ...identity, baseSeed: SEED + 1 }, 2) as [ShardFile];
  t.throws(() => mergeShards([p1, { ...q1, file: 'other.json' }], 'm'), { instanceOf: UsageError, message: /different matrices/ });
  const [, , r3] = split(x, identity, 3) as [ShardFile, ShardFile, ShardFile];
  t.throws(() => mergeShards([p1, p2, r3], 'm'), { instanceOf: UsageError, message: /shard counts differ/ });
  const dir = tmpFolder('tsync-shard-', t);
  const bad = await cli(['merge', join(dir, 'nope.json')]);
  t.is(bad.code, 2);
  t.is(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  t.regex(bad.stderr, /merge: cannot read/);
});
