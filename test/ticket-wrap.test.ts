/** The one-word ticket lock across the 16-bit wrap of both halves, and its watchdog hand-back. */
import test from 'ava';
import { Layout, LOCK } from '../src/shared/layout.ts';
import { TicketLock } from '../src/locks/ticket.ts';
import { DEFAULT_LOCK_OPTIONS, DeadlockError } from '../src/locks/lock.ts';
import { LockLab } from '../src/lock-lab/lock-lab.ts';
import { arrivalOrder } from '../src/lock-lab/lock-scenarios.ts';

function rig() {
  const L = new Layout({ maxTasks: 1, maxFilters: 1, groups: 1, workers: 2, ringSize: 16, extraLocks: 1, scratchWords: 0 });
  const m = L.create();
  const id = L.extraLock(0);
  const at = L.lock(id) + LOCK.STATE;
  const a = new TicketLock(m, L, id, 0, { ...DEFAULT_LOCK_OPTIONS, watchdogMs: 50 });
  const b = new TicketLock(m, L, id, 1, { ...DEFAULT_LOCK_OPTIONS, watchdogMs: 50 });
  return { m, at, a, b };
}

test('ticket: next and serving wrap at 2^16 without carrying into each other', (t) => {
  const { m, at, a, b } = rig();
  m[at] = (0xfffd << 16) | 0xfffd; // three tickets before the wrap, free
  for (let i = 0; i < 6; i++) {
    a.acquire();
    t.false(b.tryAcquire(), `held at step ${i}`);
    a.release();
    const w = m[at]!;
    t.is((w >>> 16) & 0xffff, w & 0xffff, `free and consistent after step ${i}: ${w.toString(16)}`);
  }
  t.is(m[at]! & 0xffff, 3, 'serving wrapped 0xfffd -> 0x0003');
  t.true(b.tryAcquire());
  b.release();
});

test.serial('ticket: waiters on real threads are served in order across the wrap', async (t) => {
  // holder takes ticket 0xfffe, the waiters 0xffff and 0x0000: both halves wrap while they wait
  const lab = LockLab.open(3);
  try {
    t.deepEqual(await arrivalOrder(lab, 'ticket', [1, 2], (0xfffe << 16) | 0xfffe), [1, 2]);
    t.deepEqual(await arrivalOrder(lab, 'ticket', [2, 1], (0xfffe << 16) | 0xfffe), [2, 1]);
  } finally {
    await lab.close();
  }
});

test('ticket: a waiter that times out last in line hands its ticket back; the lock stays usable', (t) => {
  const { m, at, a, b } = rig();
  m[at] = (0xffff << 16) | 0xffff; // the timed-out ticket is the one at the wrap
  a.acquire();
  const before = m[at]!;
  const e = t.throws(() => b.acquire(), { instanceOf: DeadlockError });
  t.is(e?.holder, 0, 'the error names the holder');
  t.is(e?.waiter, 1);
  t.is(m[at], before, 'the ticket was handed back');
  a.release();
  const w = m[at]!;
  t.is((w >>> 16) & 0xffff, w & 0xffff, `free and consistent after the release: ${w.toString(16)}`);
  t.true(b.tryAcquire(), 'the lock is usable after the timeout');
  t.false(a.tryAcquire());
  b.release();
  a.acquire();
  a.release();
  t.is(m[at], 2 | (2 << 16), "two more acquisitions after the wrap: next = serving = 2");
});
