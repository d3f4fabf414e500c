/**
 * The kernel race check: threads cloning and exiting in a loop while one
 * thread keeps doing attach+TSYNC. Every thread created after a TSYNC returned,
 * and every thread alive when it returned, must carry that filter (probed from
 * each thread). Zero violations on a correct kernel; the negative control
 * (attach without TSYNC) must report violations, or the check proves nothing.
 * Short runs (about a second): the verdicts do not depend on timing.
 */
import { raceShapeForThreads, runKernelRace } from '../src/kernel/race.ts';
import { formatRace } from '../src/cli/kernel.ts';
import { kernelGate } from './helpers/kernel.ts';

const { kernelTest, why } = await kernelGate('kernel race checks', { serial: true });

kernelTest(`TSYNC racing clone and exit: no thread escapes${why}`, async (t) => {
  const r = await runKernelRace({ durationMs: 1000 });
  t.log(formatRace(r).trimEnd());
  t.true(r.tsyncs > 100, 'TSYNC ran');
  t.true(r.cloneExits > 100, 'threads were cloned and exited meanwhile');
  t.deepEqual(r.violations, { tsyncFailed: 0, cloneEscaped: 0, aliveMissed: 0 });
  t.true(r.tsyncPerSec > 0 && r.cloneExitPerSec > 0);
});

kernelTest(`negative control: attach without TSYNC is caught${why}`, async (t) => {
  const r = await runKernelRace({ durationMs: 300, negativeControl: true });
  t.log(`violations: ${JSON.stringify(r.violations)}`);
  t.true(r.violations.cloneEscaped > 0, 'children of unsynced cloners lack the filter');
  t.true(r.violations.aliveMissed > 0, 'unsynced live threads lack the filter');
});

kernelTest(`the lab's shape (--threads 8): one process of 8 threads, TSYNC_ESRCH on every other TSYNC, no escape${why}`, async (t) => {
  const r = await runKernelRace({ durationMs: 500, ...raceShapeForThreads(8), esrch: true });
  t.log(formatRace(r).trimEnd());
  t.is(r.threads, 8);
  t.is(r.ring, 6);
  t.true(r.esrch);
  t.true(r.tsyncs > 100 && r.cloneExits > 10);
  t.deepEqual(r.violations, { tsyncFailed: 0, cloneEscaped: 0, aliveMissed: 0 });
  const control = await runKernelRace({ durationMs: 300, ...raceShapeForThreads(8), esrch: true, negativeControl: true });
  t.true(control.violations.cloneEscaped + control.violations.aliveMissed > 0, 'the same shape without TSYNC is caught');
});
