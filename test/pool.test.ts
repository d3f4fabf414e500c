/**
 * The runtime's worker pool: tasks run on reused workers, and closing it lets every
 * worker return and leave by itself (nothing terminated); the negative control is a
 * task still running past the close bound, which is the one case that is terminated.
 */
import test from 'ava';
import { WorkerPool } from '../src/workers/pool.ts';

const SLEEPER = new URL('./fixtures/workers/sleeper.ts', import.meta.url);

test('close lets a running task return, and no worker is terminated', async (t) => {
  const pool = new WorkerPool(SLEEPER, 2);
  t.deepEqual(await Promise.all([pool.run<number>({ ms: 1 }), pool.run<number>({ ms: 2 }), pool.run<number>({ ms: 3 })]), [1, 2, 3]);
  const running = pool.run<number>({ ms: 200 }); // still running when close is called
  t.is(await pool.close(60_000), 0, 'every worker left by itself');
  t.is(await running, 200, 'the task finished before its worker left');
  await t.throwsAsync(pool.run({ ms: 1 }), { message: /closed/ });
});

test('negative control: a task stuck past the close bound is the one thing terminated', async (t) => {
  const pool = new WorkerPool(SLEEPER, 1);
  const stuck = pool.run<number>({ ms: 120_000 }).catch((e: Error) => e.message);
  await new Promise((r) => setTimeout(r, 500)); // let it start
  t.is(await pool.close(300), 1, 'one worker terminated');
  t.regex(String(await stuck), /exited/);
});

const RENDEZVOUS = new URL('./fixtures/workers/rendezvous.ts', import.meta.url);

for (const oneAtATime of [false, true])
  test(`workers started ${oneAtATime ? 'one at a time (as under the shared heap)' : 'together'}: every queued task reaches its own worker`, async (t) => {
    const pool = new WorkerPool(RENDEZVOUS, 3, oneAtATime);
    t.is(pool.spawned, oneAtATime ? 1 : 3, 'workers spawned by the constructor');
    const sab = new SharedArrayBuffer(4);
    // three tasks that only return once all three run at the same time: a task left in
    // the queue when a later worker comes up would leave the others waiting (they give up after 20 s)
    const seen = await Promise.all([0, 1, 2].map(() => pool.run<number>({ sab, n: 3 })));
    t.deepEqual(seen.map((s) => s >= 3), [true, true, true]);
    t.is(pool.spawned, 3);
    t.is(await pool.close(), 0);
  });
