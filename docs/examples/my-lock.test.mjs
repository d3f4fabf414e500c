// An ava test file as a user of tsync-lab would write it: prove your own lock by
// itself with `locks --prove` (every interleaving of its Atomics operations), race it
// in the model's stress run, check it with the lock lab on real threads, and hunt a
// race with explore down to a schedule you can replay. (It runs in
// tsync-lab's own suite, so it cannot rot.) In your project:
//   npm install --save-dev tsync-lab ava
//   npx ava my-lock.test.mjs
import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stress, checkLock, explore, replay, TsyncLabError } from 'tsync-lab';

const MY_LOCK = fileURLToPath(new URL('./locks/ticket-lock.mjs', import.meta.url));
const CLI = fileURLToPath(new URL('./bin/tsync-lab.mjs', import.meta.resolve('tsync-lab/package.json')));

/** `npx tsync-lab ...args`: exit code and stdout */
function tsyncLab(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 1 << 24 }, (err, stdout) => resolve({ code: err ? err.code : 0, stdout }));
  });
}

test('locks --prove: my ticket lock has mutual exclusion, FIFO, no deadlock and no lost wake-up in every execution', async (t) => {
  t.timeout(300_000);
  const { code, stdout } = await tsyncLab(['locks', '--prove', MY_LOCK, '--json']);
  const r = JSON.parse(stdout);
  t.log(`${r.threads} actors x ${r.acquisitions} acquisitions: ${r.traces} executions, exhaustive: ${r.exhaustive}, ${r.elapsedMs} ms`);
  for (const p of r.properties) t.log(`${p.property}: ${p.status} ${p.schedule ?? ''}`);
  t.is(code, 0);
  t.true(r.exhaustive);
  t.is(r.properties.find((p) => p.property === 'FIFO').status, 'holds');
});

test('locks --prove refutes a broken lock with a schedule that replays', async (t) => {
  t.timeout(300_000);
  const broken = fileURLToPath(new URL('./locks/check-then-store.mjs', import.meta.url));
  const { code, stdout } = await tsyncLab(['locks', '--prove', broken, '--acquisitions', '1', '--json']);
  t.is(code, 1);
  const me = JSON.parse(stdout).properties.find((p) => p.property === 'mutual exclusion');
  t.is(me.status, 'broken');
  const again = await tsyncLab(['locks', '--prove', broken, '--schedule', me.schedule]);
  t.is(again.code, 1);
  t.regex(again.stdout, /mutual exclusion broken/);
});

test('my ticket lock serialises TSYNC and clone as siglock under stress', async (t) => {
  t.timeout(300_000);
  const report = await stress({ duration: '1s', workers: 2, groups: 2, lock: [`siglock=${MY_LOCK}`] });
  t.log(`seed ${report.seed}: ${report.opsPerSecond} ops/s, siglock ${report.locks.siglock.acquisitions} acquisitions`);
  t.deepEqual(report.violations.map((v) => `${v.kind}: ${v.message}`), [], `replay: npx tsync-lab stress --seed ${report.seed} --lock siglock=${MY_LOCK}`);
  t.is(report.exitCode, 0);
  t.true(report.locks.siglock.acquisitions > 0);
});

// On real threads a verdict needs the threads to meet: on a busy machine a property may stay
// "unknown" (not exercised), never "broken" for a correct lock. locks --prove above is the proof.
test('on real threads, nothing breaks my ticket lock (mutual exclusion, FIFO, no lost wake-up)', async (t) => {
  t.timeout(300_000);
  const check = await checkLock(MY_LOCK);
  for (const p of check.properties) t.log(`${p.property}: ${p.status}: ${p.detail}`);
  t.deepEqual(check.properties.filter((p) => p.status === 'broken').map((p) => p.property), []);
});

// Under explore my lock's own code runs: each of its Atomics operations is a scheduling point,
// its spin loop waits for a write, and two holders inside it would be a finding.
test('explore: every schedule of 2 threads x 3 ops within 1 preemption is clean with my lock as siglock (its own code explored)', async (t) => {
  t.timeout(300_000);
  const r = await explore({ threads: 2, ops: 3, preemptions: 1, seed: 1, lock: [`siglock=${MY_LOCK}`] });
  t.log(`${r.iterations} schedules in ${r.elapsedMs} ms, lock code: ${r.lockCode}`);
  t.false(r.found, r.violation ? `${r.violation.kind}: ${r.violation.message}` : '');
  t.is(r.lockCode, 'real');
  t.true(r.iterations > 1);
});

test('explore finds two holders inside a broken lock, with a schedule that replays', async (t) => {
  t.timeout(300_000);
  const broken = fileURLToPath(new URL('./locks/check-then-store.mjs', import.meta.url));
  const lock = [`siglock=${broken}`];
  const r = await explore({ threads: 2, ops: 3, strategy: 'dpor', seed: 1, lock });
  t.true(r.found);
  t.is(r.violation.kind, 'mutual-exclusion');
  const again = await replay(r.minimal, { lock });
  t.true(again.reproduced);
});

test('explore hunts a seeded race (clone copies the filter too early) down to a minimal schedule that replays', async (t) => {
  t.timeout(300_000);
  const lock = [`siglock=${MY_LOCK}`];
  const r = await explore({ bug: 'clone-copy-early', strategy: 'pct', seed: 1, lock });
  t.true(r.found, 'the race is found');
  t.log(`found after ${r.iterations} schedule(s): ${r.violation.kind}: ${r.violation.message}`);
  t.log(`minimal schedule: ${r.minimal}`);
  const again = await replay(r.minimal, { lock });
  t.true(again.reproduced, 'replaying the minimal schedule hits the same violation');
  t.is(again.violation.kind, r.violation.kind);
  const fixed = await replay(r.minimal, { bug: 'none', lock });
  t.false(fixed.reproduced, 'the same schedule on the fixed model is clean');
});

test('a typo in an option is a TsyncLabError with the CLI message', async (t) => {
  const e = await t.throwsAsync(stress({ duration: 'soon' }), { instanceOf: TsyncLabError });
  t.regex(e.message, /^--duration/);
});
