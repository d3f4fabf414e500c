// An ava test file as a user of tsync-lab would write it: race your own lock in
// the model's stress run, check it with the lock lab, and hunt a race with
// explore down to a schedule you can replay. (It runs in
// tsync-lab's own suite, so it cannot rot.) In your project:
//   npm install --save-dev tsync-lab ava
//   npx ava my-lock.test.mjs
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { stress, checkLock, explore, replay, TsyncLabError } from 'tsync-lab';

const MY_LOCK = fileURLToPath(new URL('./locks/ticket-lock.mjs', import.meta.url));

test('my ticket lock serialises TSYNC and clone as siglock under stress', async (t) => {
  t.timeout(60_000);
  const report = await stress({ duration: '1s', workers: 2, groups: 2, lock: [`siglock=${MY_LOCK}`] });
  t.log(`seed ${report.seed}: ${report.opsPerSecond} ops/s, siglock ${report.locks.siglock.acquisitions} acquisitions`);
  t.deepEqual(report.violations.map((v) => `${v.kind}: ${v.message}`), [], `replay: npx tsync-lab stress --seed ${report.seed} --lock siglock=${MY_LOCK}`);
  t.is(report.exitCode, 0);
  t.true(report.locks.siglock.acquisitions > 0);
});

test('my ticket lock has mutual exclusion, FIFO and no lost wake-up', async (t) => {
  t.timeout(60_000);
  const check = await checkLock(MY_LOCK);
  for (const p of check.properties) t.log(`${p.property}: ${p.status}: ${p.detail}`);
  t.true(check.ok);
  t.is(check.properties.find((p) => p.property === 'FIFO').status, 'holds');
});

test('explore: every interleaving of 2 threads x 3 ops within 1 preemption is clean with my lock as siglock', async (t) => {
  t.timeout(60_000);
  const r = await explore({ threads: 2, ops: 3, preemptions: 1, seed: 1, lock: [`siglock=${MY_LOCK}`] });
  t.log(`${r.iterations} schedules in ${r.elapsedMs} ms`);
  t.false(r.found, r.violation ? `${r.violation.kind}: ${r.violation.message}` : '');
  t.true(r.iterations > 1);
});

test('explore hunts a seeded race (clone copies the filter too early) down to a minimal schedule that replays', async (t) => {
  t.timeout(60_000);
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
