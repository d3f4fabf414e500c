/**
 * The library API in-process: options named like the CLI flags give the same
 * report object as `--json` (same config for the same flags and seed), bad
 * options reject with a TsyncLabError carrying the CLI's one line, nothing is
 * printed unless onProgress is given, and an AbortSignal stops a run early.
 */
import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stress, runScenario, experiment, merge, TsyncLabError } from '../src/api/index.ts';
import type { StressReport } from '../src/engine/report.ts';
import { cli } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'tsync-api-'));

test.serial('stress(options) resolves to the report stress --json writes for the same flags', async (t) => {
  t.timeout(60_000);
  const flags = { duration: '300ms', workers: 2, groups: 2, lock: ['siglock=mcs'], seed: 21, 'max-depth': 40 };
  const lines: string[] = [];
  const api = await stress({ ...flags, onProgress: (l) => lines.push(l) });
  const file = join(dir, 's.json');
  const r = await cli(['stress', '--duration', '300ms', '--workers', '2', '--groups', '2', '--lock', 'siglock=mcs', '--seed', '21', '--max-depth', '40', '--quiet', '--json', file]);
  t.is(r.code, 0, r.stderr);
  const viaCli = JSON.parse(readFileSync(file, 'utf8')) as StressReport;
  t.deepEqual(Object.keys(api).sort(), Object.keys(viaCli).sort());
  t.deepEqual(api.config, viaCli.config);
  t.is(api.seed, 21);
  t.is(lines[0], 'tsync-lab stress: seed 21 (replay the op choices with --seed 21)');
  const camel = await stress({ duration: '200ms', workers: 2, maxDepth: 40, seed: 1 });
  t.is(camel.config.durationMs, 200);
});

test.serial('bad options reject with TsyncLabError and the CLI line; unknown options too', async (t) => {
  for (const [opts, line] of [
    [{ threads: '9..2' }, '--threads: need 1 <= LOW <= HIGH <= 4096, got "9..2"'],
    [{ bogus: 1 }, "Unknown option '--bogus' (see --help)"],
    [{ lock: ['siglock=spinny'] }, 'unknown lock kind "spinny"; kinds: tas, ttas, ticket, mcs, rw, futex, adaptive, native, or a lock module ./path/lock.mjs'],
  ] as const) {
    const e = await t.throwsAsync(stress(opts as object), { instanceOf: TsyncLabError });
    t.is(e!.message, line);
    t.is(e!.exitCode, 2);
  }
  const viaCli = await cli(['stress', '--threads', '9..2']);
  t.is(viaCli.stderr.trim(), 'tsync-lab: --threads: need 1 <= LOW <= HIGH <= 4096, got "9..2"', 'the same line as the CLI');
  await t.throwsAsync(experiment({ vary: 'colour=red' }), { instanceOf: TsyncLabError, message: /^--vary: unknown axis "colour"|colour/ });
  await t.throwsAsync(runScenario('/nonexistent.json'), { instanceOf: TsyncLabError });
  await t.throwsAsync(merge(['/nonexistent.json']), { instanceOf: TsyncLabError, message: /^merge: cannot read/ });
});

test.serial('an AbortSignal stops a stress run early; the report says interrupted', async (t) => {
  t.timeout(60_000);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 300);
  const r = await stress({ duration: '20s', workers: 2, signal: ac.signal });
  t.true(r.interrupted);
  t.true(r.durationMs < 10_000);
});

test.serial('runScenario and experiment resolve to their --json objects', async (t) => {
  t.timeout(60_000);
  const s = await runScenario('test/scenarios/TSYNC_first.json', { design: 'merged' });
  const viaCli = await cli(['scenario', 'test/scenarios/TSYNC_first.json', '--json']);
  t.deepEqual(s, JSON.parse(viaCli.stdout));
  const x = await experiment({ vary: ['groups=1,2'], duration: '200ms', repeat: 1, workers: 2, seed: 4, shard: '2/2' });
  t.is(x.shard?.index, 2);
  t.is(x.cells.length, 1);
});
