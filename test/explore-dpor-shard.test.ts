/**
 * `explore --strategy dpor --shard I/N` and `tsync-lab merge` of explore shards: N local
 * processes together run exactly the single-machine search (traces add up to its count,
 * the merged outcomes are its outcomes), a bug found by one shard is the merged verdict
 * and its schedule replays, and parts of different searches, overlapping and missing
 * parts are refused with one line. Budgets are executions; no timing.
 */
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LOCK_PLAN } from '../src/locks/kinds.ts';
import { Session } from '../src/explore/session.ts';
import { ScenarioWorkload } from '../src/explore/workloads.ts';
import { search, type ExploreOptions } from '../src/explore/explore.ts';
import { readConcurrentFile } from '../src/scenario/concurrent-parse.ts';
import { cli } from './helpers/cli.ts';
import { tmpFolder } from './helpers/tmp.ts';

const DIR = fileURLToPath(new URL('concurrent/', import.meta.url));
const TMP = tmpFolder('dpor-shard-');
const DPOR: ExploreOptions = { strategy: 'dpor', iterations: 1e9, preemptions: 0, depth: 3, seed: 1 };
const LONG = 600_000; // a kill switch for a stuck child on a loaded machine, not a verdict

async function single(name: string, bug: string | null = null) {
  const cf = readConcurrentFile(join(DIR, `${name}.json`));
  const s = await Session.open(new ScenarioWorkload(cf), { design: cf.scenario.designs?.[0] ?? 'merged', bug: bug as never, scope: 'siglock', plan: DEFAULT_LOCK_PLAN });
  try {
    return await search(s, DPOR);
  } finally {
    await s.close();
  }
}

async function shards(name: string, n: number, extra: string[] = []): Promise<string[]> {
  const files = Array.from({ length: n }, (_, i) => join(TMP, `${name}${extra.join('')}-${i + 1}of${n}.json`));
  const runs = await Promise.all(files.map((_, i) => cli(['explore', join(DIR, `${name}.json`), '--strategy', 'dpor', '--shard', `${i + 1}/${n}`, '--json', ...extra], LONG)));
  runs.forEach((r, i) => {
    if (r.stdout.trim() === '') throw new Error(`shard ${i + 1}/${n} printed nothing (exit ${r.code}): ${r.stderr}`);
    writeFileSync(files[i]!, r.stdout);
  });
  return files;
}

test.serial('two shards of tsync_vs_clone_vs_exit (two processes) merge to the single run: exhaustive, the same traces and outcomes', async (t) => {
  const one = await single('tsync_vs_clone_vs_exit');
  t.true(one.exhaustive);
  const files = await shards('tsync_vs_clone_vs_exit', 2);
  const parts = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as { traces: number; exhaustive: boolean; shard: { index: number; count: number; probes: number } });
  t.deepEqual(
    parts.map((p) => [p.shard.index, p.shard.count, p.exhaustive]),
    [
      [1, 2, true],
      [2, 2, true],
    ],
  );
  t.is(parts[0]!.traces + parts[1]!.traces, one.traces, 'disjoint parts of exactly the whole search');
  const out = join(TMP, 'merged.json');
  const m = await cli(['merge', ...files, '--json', out], LONG);
  t.is(m.code, 0, m.stderr);
  t.true(m.stdout.includes(`exhaustive: ${one.traces} traces, clean`), m.stdout);
  const merged = JSON.parse(readFileSync(out, 'utf8')) as { traces: number; exhaustive: boolean; found: boolean; outcomes: { line: string; count: number }[] };
  t.like(merged, { traces: one.traces, exhaustive: true, found: false });
  t.deepEqual(
    merged.outcomes.map((o) => [o.line, o.count]).sort(),
    one.outcomes.map((o) => [o.line, o.count]).sort(),
  );
});

test.serial('three shards of sync_vs_sibling_attach add up to the single run', async (t) => {
  const one = await single('sync_vs_sibling_attach');
  const files = await shards('sync_vs_sibling_attach', 3);
  const m = await cli(['merge', ...files], LONG);
  t.is(m.code, 0, m.stderr);
  t.true(m.stdout.includes(`exhaustive: ${one.traces} traces, clean`), m.stdout);
});

test.serial('a bug found by a shard is the merged verdict (exit 1), and its minimal schedule replays', async (t) => {
  const files = await shards('tsync_vs_exit', 2, ['--bug', 'exit-release-unlocked']);
  const m = await cli(['merge', ...files], LONG);
  t.is(m.code, 1, m.stderr);
  const sched = /minimal schedule: (ts1:\S+)/.exec(m.stdout)?.[1];
  t.truthy(sched, m.stdout);
  const r = await cli(['replay', join(DIR, 'tsync_vs_exit.json'), sched!, '--json'], LONG);
  t.is(r.code, 0, r.stderr); // replay: 0 = reproduced
  t.true((JSON.parse(r.stdout) as { reproduced: boolean }).reproduced);
});

test.serial('merge refuses parts of different searches, overlapping and missing parts, and mixed files, with one line', async (t) => {
  const a = await shards('two_tsync_callers', 2);
  const b = await shards('tsync_vs_clone', 2);
  const cases: [string[], RegExp][] = [
    [[a[0]!, b[1]!], /are parts of different searches/],
    [[a[0]!], /shard\(s\) 2 of 2 missing/],
    [[a[0]!, a[0]!, a[1]!], /overlap: both are shard 1\/2/],
  ];
  for (const [files, line] of cases) {
    const r = await cli(['merge', ...files], LONG);
    t.is(r.code, 2);
    t.regex(r.stderr, line);
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const notShard = join(TMP, 'plain.json');
  writeFileSync(notShard, (await cli(['explore', join(DIR, 'two_tsync_callers.json'), '--strategy', 'dpor', '--json'], LONG)).stdout);
  const mixed = await cli(['merge', a[0]!, notShard], LONG);
  t.is(mixed.code, 2);
  t.regex(mixed.stderr, /either experiment shards or explore shards/);
});

test.serial('dpor refuses --preemptions, and --shard needs dpor, with one line', async (t) => {
  const f = join(DIR, 'tsync_vs_clone.json');
  const p = await cli(['explore', f, '--strategy', 'dpor', '--preemptions', '2'], LONG);
  t.is(p.code, 2);
  t.regex(p.stderr, /dpor has no preemption bound/);
  const s = await cli(['explore', f, '--strategy', 'dfs', '--shard', '1/2'], LONG);
  t.is(s.code, 2);
  t.regex(s.stderr, /--shard splits a dpor search/);
  const bad = await cli(['explore', f, '--strategy', 'dpor', '--shard', '3/2'], LONG);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--shard: expected I\/N/);
});
