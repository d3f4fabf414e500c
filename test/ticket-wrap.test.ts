/** The one-word ticket lock across the 16-bit wrap of both halves. */
import test from 'ava';
import { Layout, LOCK } from '../src/shared/layout.ts';
import { TicketLock } from '../src/locks/ticket.ts';
import { DEFAULT_LOCK_OPTIONS } from '../src/locks/lock.ts';

test('ticket: next and serving wrap at 2^16 without carrying into each other', (t) => {
  const L = new Layout({ maxTasks: 1, maxFilters: 1, groups: 1, workers: 2, ringSize: 16, extraLocks: 1, scratchWords: 0 });
  const m = L.create();
  const id = L.extraLock(0);
  const at = L.lock(id) + LOCK.STATE;
  m[at] = (0xfffd << 16) | 0xfffd; // three tickets before the wrap, free
  const a = new TicketLock(m, L, id, 0, { ...DEFAULT_LOCK_OPTIONS, watchdogMs: 50 });
  const b = new TicketLock(m, L, id, 1, { ...DEFAULT_LOCK_OPTIONS, watchdogMs: 50 });
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
