// An ava test file as a user of tsync-lab would write it: race your own lock in
// the model's stress run, and check it with the lock lab. (It runs in
// tsync-lab's own suite, so it cannot rot.) In your project:
//   npm install --save-dev tsync-lab ava
//   npx ava my-lock.test.mjs
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { stress, checkLock, TsyncLabError } from 'tsync-lab';

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

test('a typo in an option is a TsyncLabError with the CLI message', async (t) => {
  const e = await t.throwsAsync(stress({ duration: 'soon' }), { instanceOf: TsyncLabError });
  t.regex(e.message, /^--duration/);
});
