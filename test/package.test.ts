/**
 * The package as a dependency: `npm pack` (its prepack generates the type
 * declarations), install the tarball into an empty project offline (from npm's
 * cache, as `npm ci` filled it), then from there: plain Node ESM imports the
 * API and runs a stress run; bad options reject with TsyncLabError; `npx
 * tsync-lab` works; TypeScript sees the types (and rejects a wrong option type).
 * Offline: see consumerLock.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { tmpFolder } from './helpers/tmp.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, timeout: 240_000, maxBuffer: 16 << 20 });

interface LockEntry {
  version: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  [k: string]: unknown;
}

/**
 * A lockfile for the consumer: the tarball, plus our own lockfile's production
 * packages with their registry tarball URLs. `npm ci --offline` then installs
 * from npm's cache by integrity (filled by our own `npm ci`), with no network and
 * no packument lookups (`npm install --offline` would need those for ranges).
 */
function consumerLock(tarball: string, dir: string): object {
  const ours = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; bin: Record<string, string> };
  const integrity = `sha512-${createHash('sha512').update(readFileSync(join(dir, tarball))).digest('base64')}`;
  const packages: Record<string, object> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: { 'tsync-lab': `file:${tarball}` } },
    'node_modules/tsync-lab': { version: pkg.version, resolved: `file:${tarball}`, integrity, dependencies: pkg.dependencies, bin: pkg.bin },
  };
  for (const [key, e] of Object.entries(ours.packages)) {
    if (!key || e.dev) continue;
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    packages[key] = { ...e, resolved: e.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${e.version}.tgz` };
  }
  return { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

const CONSUMER = tmpFolder('tsync-consumer-');
let project: Promise<string> | null = null;
/** an empty project with the packed tarball installed (once for the file) */
function installed(): Promise<string> {
  project ??= (async () => {
    const dir = CONSUMER;
    await npm(['pack', '--pack-destination', dir], ROOT);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: { 'tsync-lab': `file:${tarball}` } }));
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(consumerLock(tarball, dir), null, 1));
    await npm(['ci', '--offline'], dir);
    return dir;
  })();
  return project;
}

test.serial('npm pack, install the tarball offline into an empty project, import it from plain Node ESM', async (t) => {
  t.timeout(300_000);
  const dir = await installed();
  const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', 'tsync-lab', 'package.json'), 'utf8')) as { private?: boolean };
  t.is(pkg.private, undefined);
  writeFileSync(
    join(dir, 'use.mjs'),
    `import { stress, runScenario, experiment, diff, merge, checkLock, explore, replay, litmus, TsyncLabError } from 'tsync-lab';
const lines = [];
const r = await stress({ duration: '300ms', workers: 2, groups: 2, lock: ['siglock=mcs'], seed: 9, onProgress: (l) => lines.push(l) });
let bad = null;
try { await stress({ threads: '9..2' }); } catch (e) { bad = { isTyped: e instanceof TsyncLabError, message: e.message }; }
const s = await runScenario(new URL('./node_modules/tsync-lab/docs/examples/scenario.json', import.meta.url).pathname);
const e = await explore({ threads: 2, ops: 1, preemptions: 1, seed: 2 });
console.log(JSON.stringify({ explored: Object.keys(e).join(' ') + ' ' + e.found + ' ' + (e.iterations > 0), exitCode: r.exitCode, seed: r.seed, siglock: r.config.locks.siglock, ops: r.opsPerSecond > 0, lines: lines.length, bad, scenarioSteps: s.steps.length, fns: [typeof experiment, typeof diff, typeof merge, typeof checkLock, typeof explore, typeof replay, typeof litmus] }));
`,
  );
  const { stdout, stderr } = await run(process.execPath, ['use.mjs'], { cwd: dir, timeout: 300_000 });
  t.is(stderr, '', 'nothing printed without onProgress');
  const out = JSON.parse(stdout) as Record<string, unknown>;
  t.like(out, { explored: 'found schedule minimal iterations elapsedMs violation exhaustive traces sleepBlocked lockCode false true', exitCode: 0, seed: 9, siglock: 'mcs', ops: true, bad: { isTyped: true, message: '--threads: need 1 <= LOW <= HIGH <= 4096, got "9..2"' }, scenarioSteps: 2 });
  t.true((out['lines'] as number) >= 1, 'onProgress got the lines');
  t.deepEqual(out['fns'], ['function', 'function', 'function', 'function', 'function', 'function', 'function']);
});

test.serial('npx tsync-lab works from the installed tarball', async (t) => {
  t.timeout(300_000);
  const dir = await installed();
  const help = await run('npx', ['--no-install', 'tsync-lab', '--help'], { cwd: dir, timeout: 300_000 });
  t.regex(help.stdout, /usage: tsync-lab <command>/);
  const json = join(dir, 'r.json');
  await run('npx', ['--no-install', 'tsync-lab', 'stress', '--duration', '300ms', '--workers', '2', '--quiet', '--json', json], { cwd: dir, timeout: 300_000 });
  t.is(JSON.parse(readFileSync(json, 'utf8')).exitCode, 0);
});

test.serial('TypeScript sees the types: a typed use compiles, a wrong option type does not', async (t) => {
  t.timeout(300_000);
  const dir = await installed();
  // a usual Node project: @types/node present (here: ours, as the consumer has no dev dependencies installed)
  const tsconfig = { compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, typeRoots: [join(ROOT, 'node_modules', '@types')], types: ['node'] }, files: ['good.ts', 'bad.ts'] };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  writeFileSync(
    join(dir, 'good.ts'),
    `import { stress, experiment, explore, litmus, TsyncLabError, type StressReport, type ExperimentResult, type ExploreResult } from 'tsync-lab';
export async function f(): Promise<number> {
  const r: StressReport = await stress({ duration: '2s', groups: 2, lock: ['siglock=mcs'], bug: 'clone-copy-early', maxDepth: 40 });
  const found: ExploreResult = await explore('scenario.json', { bug: 'clone-copy-early', strategy: 'pct', seed: 1 });
  const l = await litmus('scenario.json', { duration: '1s', maxStride: 64 });
  if (found.found && found.minimal !== null && l !== null) return 0;
  const x: ExperimentResult = await experiment({ vary: ['groups=1,2'], repeat: 1, shard: '1/2', seed: 7 });
  const e: TsyncLabError | null = null;
  return r.violationCount + x.cells.length + (e === null ? 0 : 1);
}
`,
  );
  // the negative control, in the same compilation: only this file may have errors
  writeFileSync(join(dir, 'bad.ts'), `import { stress } from 'tsync-lab';\nexport const p = stress({ duration: true });\n`);
  const out = await run(process.execPath, [TSC, '-p', '.'], { cwd: dir, timeout: 300_000 }).then(
    () => '',
    (e: { stdout: string }) => e.stdout,
  );
  const errors = out.split('\n').filter((l) => /error TS/.test(l));
  t.true(errors.length > 0, 'a boolean duration is a type error');
  t.deepEqual(errors.filter((l) => !l.startsWith('bad.ts')), [], 'the typed use compiles: no error outside bad.ts');
  t.regex(errors[0]!, /^bad\.ts\(2,\d+\): error TS2322/);
});
