/**
 * What every engine shares at run time: the one lab-fault class (exit 3, an internal
 * error that names what was waited for), the one bounded wait every engine's waits go
 * through, and the one worker entry that runs every engine's program.
 */
import test from 'ava';
import { InternalError } from '../src/shared/internal-error.ts';
import { LabFault } from '../src/shared/lab-fault.ts';
import { fileURLToPath } from 'node:url';
import { WorkerPool } from '../src/workers/pool.ts';
import { Layout } from '../src/shared/layout.ts';
import { parseLockKind } from '../src/locks/kinds.ts';
import { SpinBarrier } from '../src/shared/barrier.ts';
import { TIMED_OUT, boundedPoll, boundedWait, within } from '../src/shared/wait.ts';

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

test('boundedWait: a word already there returns at once, spinning or sleeping', (t) => {
  const m = new Int32Array(new SharedArrayBuffer(8));
  m[0] = 3;
  t.true(boundedWait(m, 0, (v) => v === 3, { what: 'w', ms: 10 }));
  t.true(boundedWait(m, 0, (v) => v === 3, { what: 'w', ms: 10, napMs: 5 }));
});

test('boundedWait: past the bound a LabFault naming what was waited for, or false when the caller gives up', (t) => {
  const m = new Int32Array(new SharedArrayBuffer(8));
  for (const napMs of [undefined, 2]) {
    const e = t.throws(() => boundedWait(m, 0, (v) => v === 1, { what: 'word 0 to be 1', ms: 20, ...(napMs ? { napMs } : {}) }));
    t.true(e instanceof LabFault);
    t.is(e?.message, 'timed out after 20 ms waiting for word 0 to be 1');
    t.like(e as LabFault, { waitedFor: 'word 0 to be 1', boundMs: 20 });
    t.false(boundedWait(m, 0, (v) => v === 1, { what: 'x', ms: 10, giveUp: true, ...(napMs ? { napMs } : {}) }));
  }
  t.throws(() => boundedWait(m, 0, (v) => v === 1, { what: 'x', ms: 5, fault: () => 'the lab fault of my own' }), { message: 'the lab fault of my own' });
  // one deadline over several waits: an elapsed deadline faults at the first miss
  t.throws(() => boundedWait(m, 0, (v) => v === 1, { what: 'x', ms: 1, deadline: performance.now() - 1, napMs: 1 }), { instanceOf: LabFault });
});

test('boundedWait: a sleeping wait stops when its abort holds', (t) => {
  const m = new Int32Array(new SharedArrayBuffer(8));
  let looks = 0;
  t.false(boundedWait(m, 0, (v) => v === 1, { what: 'x', ms: 10_000, napMs: 1, abort: () => ++looks > 3 }));
  t.is(looks, 4);
});

test('a barrier whose party never comes: arrive is a LabFault, tryArrive is false', (t) => {
  const m = new Int32Array(new SharedArrayBuffer(8));
  t.throws(() => new SpinBarrier(m, 0, 1, 2).arrive(10), { instanceOf: LabFault, message: /barrier of 2/ });
  m.fill(0);
  t.false(new SpinBarrier(m, 0, 1, 2).tryArrive(10));
});

test('boundedPoll and within: the main thread waits without blocking its event loop', async (t) => {
  let ready = false;
  setTimeout(() => (ready = true), 20);
  t.true(await boundedPoll(() => ready, { what: 'ready', ms: 10_000, pollMs: 2 }));
  await t.throwsAsync(boundedPoll(() => false, { what: 'never', ms: 10, pollMs: 2 }), { instanceOf: LabFault, message: /waiting for never/ });
  t.false(await boundedPoll(() => false, { what: 'never', ms: 10, pollMs: 2, giveUp: true }));
  t.is(await within(new Promise((r) => setTimeout(() => r(7), 5)), 10_000), 7);
  t.is(await within(new Promise(() => {}), 10), TIMED_OUT);
});

const PROGRAM = new URL('./fixtures/workers/program.ts', import.meta.url);

test("the one worker entry imports a task's user lock modules before its program runs, and builds the context with the engine's decorator and hooks", async (t) => {
  const pool = new WorkerPool(PROGRAM, 1);
  try {
    const L = new Layout({ groups: 1, workers: 1 });
    const siglock = parseLockKind(fileURLToPath(new URL('./fixtures/locks/tas-says-fair.mjs', import.meta.url)));
    const got = await pool.run<{ decorated: number; locks: number; hookIsMine: boolean; siglockKind: string }>({ m: L.create(), siglock });
    t.is(got.decorated, got.locks, 'every lock handle went through the decorator');
    t.true(got.hookIsMine, "the engine's hook is the seam's (a null hook skipped)");
    t.is(got.siglockKind, siglock, 'the user lock module was loaded before the handles were built');
    // negative control: a lock module that does not load fails the task with its one line, before run
    const e = await t.throwsAsync(pool.run({ m: L.create(), siglock: parseLockKind(fileURLToPath(new URL('./fixtures/locks/no-class.mjs', import.meta.url))) }));
    t.is(e?.name, 'UsageError');
    t.regex(e?.message ?? '', /no-class\.mjs/);
  } finally {
    await pool.close();
  }
});
