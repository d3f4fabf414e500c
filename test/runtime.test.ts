/**
 * What every engine shares at run time: the one lab-fault class (exit 3, an internal
 * error that names what was waited for) and the one finding type.
 */
import test from 'ava';
import { InternalError } from '../src/shared/internal-error.ts';
import { LabFault } from '../src/shared/lab-fault.ts';
import { WorkerPool } from '../src/workers/pool.ts';

const WAITER = new URL('./fixtures/workers/waiter.ts', import.meta.url);

test('a LabFault is an internal error that names what was waited for', (t) => {
  const e = new LabFault('x timed out', { waitedFor: 'the start gate', boundMs: 50 });
  t.true(e instanceof InternalError);
  t.is(e.name, 'LabFault');
  t.is(e.waitedFor, 'the start gate');
  t.is(e.boundMs, 50);
  t.is(e.detail, '');
});

test('a bounded wait that times out in a worker reaches the main thread as a LabFault with its fields', async (t) => {
  const pool = new WorkerPool(WAITER, 1);
  try {
    const e = await t.throwsAsync(pool.run({ ms: 30 }));
    t.is(e?.name, 'LabFault');
    t.regex(e?.message ?? '', /a word nobody writes/);
    t.like(e as unknown as Record<string, unknown>, { waitedFor: 'a word nobody writes', boundMs: 30 });
  } finally {
    await pool.close();
  }
});
