/**
 * The library API in-process: options named like the CLI flags give the same
 * report object as `--json` (same config for the same flags and seed), bad
 * options reject with a TsyncLabError carrying the CLI's one line, nothing is
 * printed unless onProgress is given, and an AbortSignal stops a run early.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stress, runScenario, experiment, merge, explore, replay, litmus, TsyncLabError } from '../src/api/index.ts';
import type { StressReport } from '../src/stress/report.ts';
import { cli } from './helpers/cli.ts';
import { tmpFolder } from './helpers/tmp.ts';

const dir = tmpFolder('tsync-api-');

test.serial('stress(options) resolves to the report stress --json writes for the same flags', async (t) => {
  t.timeout(300_000);
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
  t.timeout(300_000);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 300);
  const r = await stress({ duration: '120s', workers: 2, signal: ac.signal });
  t.true(r.interrupted);
  t.true(r.durationMs < 60_000, 'ended long before its 120 s duration'); // a margin for an oversubscribed machine
});

test.serial('runScenario and experiment resolve to their --json objects', async (t) => {
  t.timeout(300_000);
  const s = await runScenario('test/scenarios/TSYNC_first.json', { design: 'merged' });
  const viaCli = await cli(['scenario', 'test/scenarios/TSYNC_first.json', '--json']);
  t.deepEqual(s, JSON.parse(viaCli.stdout));
  const x = await experiment({ vary: ['groups=1,2'], duration: '200ms', repeat: 1, workers: 2, seed: 4, shard: '2/2' });
  t.is(x.shard?.index, 2);
  t.is(x.cells.length, 1);
});

const CLONE = 'test/concurrent/tsync_vs_clone.json';
const RW_SPIN = 'test/fixtures/locks/rw-spin.ts';

test.serial('explore and replay resolve to exactly their --json objects; onProgress gets the header', async (t) => {
  t.timeout(300_000);
  const lines: string[] = [];
  const e = await explore(CLONE, { bug: 'clone-copy-early', seed: 1, onProgress: (l) => lines.push(l) });
  const viaCli = JSON.parse((await cli(['explore', CLONE, '--bug', 'clone-copy-early', '--seed', '1', '--json'])).stdout) as typeof e;
  t.deepEqual(Object.keys(e), ['found', 'schedule', 'minimal', 'iterations', 'elapsedMs', 'violation', 'exhaustive', 'traces', 'sleepBlocked', 'lockCode']);
  t.deepEqual({ ...e, elapsedMs: 0 }, { ...viaCli, elapsedMs: 0 }, 'the same search for the same flags and seed');
  t.true(e.found);
  t.is(lines[0], `tsync-lab explore ${CLONE}: design merged, bug clone-copy-early, strategy dfs, seed 1`);
  const r = await replay(CLONE, e.minimal!);
  t.deepEqual(Object.keys(r), ['reproduced', 'violation']);
  t.true(r.reproduced);
  t.is(r.violation?.kind, e.violation!.kind);
  t.deepEqual(await replay(CLONE, e.minimal!, { bug: 'none' }), { reproduced: false, violation: null }, 'the fixed model: not reproduced');
});

test.serial('explore and litmus take a user lock kind from a module and stay clean', async (t) => {
  t.timeout(300_000);
  const e = await explore({ threads: 2, ops: 2, preemptions: 1, seed: 3, lock: [`siglock=${RW_SPIN}`, `tasklist=${RW_SPIN}`] });
  t.like(e, { found: false, violation: null, schedule: null });
  t.true(e.iterations > 1);
  // the negative control: the user's code really runs under the scheduler (a lock that throws is a crash finding)
  const boom = await explore({ threads: 2, ops: 2, preemptions: 1, seed: 3, lock: ['siglock=test/fixtures/locks/throws-in-acquire.mjs'] });
  t.true(boom.found);
  t.is(boom.violation?.kind, 'crash');
  t.regex(boom.violation!.message, /ThrowsInAcquire: acquire called/);
  const f = await explore(CLONE, { preemptions: 1, lock: [`siglock=${RW_SPIN}`] });
  t.like(f, { found: false, violation: null });
  const l = await litmus(CLONE, { duration: '200ms', 'max-stride': 64, seed: 5, lock: [`siglock=${RW_SPIN}`] });
  t.false(Array.isArray(l));
  const one = l as Exclude<typeof l, null | unknown[]>;
  t.deepEqual(Object.keys(one), ['samples', 'samplesPerSecond', 'stride', 'durationMs', 'seed', 'outcomes', 'violations', 'timing']);
  t.deepEqual(Object.keys(one.timing), ['measured', 'overlapPct', 'startSpreadUs', 'racing', 'note']);
  t.true(one.samples > 0);
  t.deepEqual(one.violations, []);
  t.deepEqual(one.outcomes.filter((o) => o.expect === 'forbidden'), []);
});

test.serial('explore, replay and litmus: bad options reject with TsyncLabError and the CLI line', async (t) => {
  t.timeout(300_000);
  for (const [p, line] of [
    [() => explore(CLONE, { strategy: 'bfs' }), '--strategy: one of random, pct, dfs, dpor, got "bfs"'],
    [() => explore({ lock: ['siglock=native'] }), 'explore: lock kind "native" (siglock) is V8\'s Atomics.Mutex, whose waiting happens inside V8 where the controlled scheduler cannot step (and cannot be split into acquire and release); choose another kind'],
    [() => explore({ json: true } as object), "Unknown option '--json' (see --help)"],
    [() => replay('ts1:nope'), 'schedule: bad field "nope" (expected a string printed by explore, "ts1:...")'],
    [() => litmus(CLONE, { duration: 'soon' }), '--duration: bad duration "soon" (examples: 500ms, 10s, 2m)'],
    [() => litmus(CLONE, { lock: ['siglock=./test/fixtures/locks/no-class.mjs'] }), /^lock module ".*no-class\.mjs": its default export is not a class/],
  ] as const) {
    const e = await t.throwsAsync((p as () => Promise<unknown>)(), { instanceOf: TsyncLabError });
    if (typeof line === 'string') t.is(e!.message, line);
    else t.regex(e!.message, line);
  }
  const viaCli = await cli(['explore', CLONE, '--strategy', 'bfs']);
  t.is(viaCli.stderr.trim(), 'tsync-lab: --strategy: one of random, pct, dfs, dpor, got "bfs"', 'the same line as the CLI');
});
