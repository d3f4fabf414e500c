/**
 * litmus on real threads (serial: each run wants both cores). Short runs: the figures
 * are not asserted, only what the outcomes are.
 */
import test from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConcurrentFile } from '../src/scenario/concurrent-parse.ts';
import { DEFAULT_LOCK_PLAN } from '../src/locks/kinds.ts';
import { litmusPool, runLitmus, type LitmusOptions, type LitmusReport } from '../src/litmus/run.ts';
import { explore } from '../src/explore/explore.ts';
import { ScenarioWorkload } from '../src/explore/workloads.ts';

const DIR = fileURLToPath(new URL('concurrent/', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const DESIGNS = ['merged', 'separate-sync', 'force-compose'];
// one pool of long-lived workers (as many as the largest file has actors) serves every run
const pool = litmusPool(Math.max(...FILES.map((f) => readConcurrentFile(join(DIR, f)).scenario.actorNames.length)));
test.after.always(() => pool.destroy());

function opts(design: string, over: Partial<LitmusOptions> = {}): LitmusOptions {
  return { design, bug: null, scope: 'siglock', plan: DEFAULT_LOCK_PLAN, seed: 7, durationMs: 250, maxStride: 1024, ...over };
}

const failures = (r: LitmusReport) => [
  ...r.violations.map((v) => `${v.kind}: ${v.message}`),
  ...r.outcomes.filter((o) => o.expect === 'forbidden').map((o) => `forbidden x${o.count}: ${o.outcome}`),
];

test.serial('every file in test/concurrent/ is clean under merged, separate-sync and force-compose where it applies; some file shows two acceptable outcomes', async (t) => {
  t.timeout(300_000);
  let varied = 0;
  let runs = 0;
  for (const f of FILES) {
    const s = readConcurrentFile(join(DIR, f)).scenario;
    for (const design of DESIGNS) {
      if (s.designs && !s.designs.includes(design)) continue;
      const r = await runLitmus(s, opts(design), pool);
      runs++;
      t.true(r.samples > 0, `${f} ${design}: no samples`);
      t.deepEqual(failures(r), [], `${f} ${design}`);
      t.is(r.outcomes.reduce((x, o) => x + o.count, 0), r.samples);
      if (r.outcomes.filter((o) => o.expect === 'acceptable').length >= 2) varied++;
    }
  }
  t.true(runs >= FILES.length);
  t.true(varied >= 1, 'no file showed two or more acceptable outcomes');
});

test.serial('a seeded bug the file targets produces a forbidden outcome or a violation: clone-copy-early on TSYNC vs clone', async (t) => {
  t.timeout(300_000);
  const s = readConcurrentFile(join(DIR, 'tsync_vs_clone.json')).scenario;
  const r = await runLitmus(s, opts('merged', { bug: 'clone-copy-early', durationMs: 20_000, stopOnFailure: true }), pool);
  t.true(failures(r).length > 0, `not caught in ${r.samples} samples`);
  for (const v of r.violations) t.true(['escape', 'inheritance', 'mode-head', 'filter-count'].includes(v.kind), v.kind);
});

test.serial('the correct model under the same long hunt stays clean (negative control of the bug test)', async (t) => {
  t.timeout(300_000);
  const s = readConcurrentFile(join(DIR, 'tsync_vs_clone.json')).scenario;
  const r = await runLitmus(s, opts('merged', { durationMs: 1000, stopOnFailure: true }), pool);
  t.deepEqual(failures(r), []);
});

for (const [file, design] of [
  ['two_tsync_callers.json', 'merged'],
  ['sync_vs_sibling_attach.json', 'separate-sync'],
] as const) {
  test.serial(`litmus and explore agree on ${file} (${design}): every outcome litmus observed is one explore's DFS enumerates`, async (t) => {
    t.timeout(300_000);
    const cf = readConcurrentFile(join(DIR, file));
    const dfs = await explore(new ScenarioWorkload(cf), { design, bug: null, scope: 'siglock', plan: DEFAULT_LOCK_PLAN }, { strategy: 'dfs', iterations: 1e6, preemptions: 3, depth: 3, seed: 1 });
    t.false(dfs.found);
    const enumerated = new Map(dfs.outcomes.map((o) => [o.line, o.expect]));
    const r = await runLitmus(cf.scenario, opts(design, { durationMs: 500 }), pool);
    t.true(r.samples > 0);
    for (const o of r.outcomes) {
      t.true(enumerated.has(o.outcome), `litmus saw "${o.outcome}" (x${o.count}), explore enumerates: ${[...enumerated.keys()].join(' ; ')}`);
      t.is(enumerated.get(o.outcome), o.expect as string, o.outcome);
    }
  });
}

test.serial('an interrupt before the first round (as during the stride calibration) still counts one round and reports it', async (t) => {
  t.timeout(300_000);
  const s = readConcurrentFile(join(DIR, 'tsync_vs_clone.json')).scenario;
  // interrupted from the start: the main thread raises the stop request at its first look (50 ms),
  // typically before the workers have even started; the leader honours it after one counted round
  const r = await runLitmus(s, opts('merged', { durationMs: 60_000, maxStride: 4096, interrupted: () => true }), pool);
  t.true(r.interrupted);
  t.true(r.samples >= 64, `${r.samples} samples`);
  t.is(r.outcomes.reduce((x, o) => x + o.count, 0), r.samples);
  t.true(r.outcomes.some((o) => o.outcome.startsWith('main=ok a=ok')), r.outcomes.map((o) => o.outcome).join('; '));
});
