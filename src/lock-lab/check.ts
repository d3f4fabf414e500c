/**
 * `tsync-lab locks --check ./my-lock.mjs`: the lock lab's correctness workloads
 * (src/lock-lab/lock-scenarios.ts) on a user's lock, on real worker threads. Every
 * scenario is bounded: a lock that never lets a waiter in is reported, and the
 * pool (its threads) is ended, never a hang.
 *
 *   mutual exclusion   2 workers x N plain read-modify-writes under the lock: none lost
 *   rw exclusion       rw kinds: a writer rewrites a multi-word record under the write
 *                      lock, a reader checks it under the read lock: no torn read
 *                      (and whether two readers share the lock, for information)
 *   FIFO               kinds with `static fair = true`: waiters get the lock in the
 *                      order they queued, both ways round
 *   no lost wake-up    a waiter that queued (and maybe slept) while the holder held the
 *                      lock gets it soon after the release, several times
 */
import { LockLab } from './lock-lab.ts';
import { TIMED_OUT, within } from '../shared/wait.ts';
import { arrivalOrder, entryRace, holdWhileWaiting, mutualExclusion, readersShare, tornReads } from './lock-scenarios.ts';
import { loadUserLock, resolveUserLock, type UserLockDef, type UserLockKind } from '../locks/user.ts';

export type PropertyStatus = 'holds' | 'broken' | 'unknown' | 'n/a';

export interface PropertyResult {
  property: 'mutual exclusion' | 'reader-writer exclusion' | 'FIFO' | 'no lost wake-up';
  status: PropertyStatus;
  detail: string;
}

export interface LockCheckReport {
  path: string;
  kind: UserLockKind;
  className: string;
  rw: boolean;
  fair: boolean;
  properties: PropertyResult[];
  /** every applicable property holds */
  ok: boolean;
}

export interface CheckOptions {
  /** increments per worker in the mutual-exclusion workload */
  iterations?: number;
  /** bound of each scenario, ms */
  boundMs?: number;
  onProgress?: (message: string) => void;
}


/** FIFO check: a waiter starts this long after its predecessor entered acquire() (its time to queue). */
const FIFO_GRACE_MS = 30;
const HOLD_MS = 100;
const RACE_ROUNDS = 20000;
/** the entry race ends after this long even if fewer rounds ran (a slow fair lock on a busy machine) */
const RACE_MS = 2000;

export async function checkUserLock(spec: string, o: CheckOptions = {}): Promise<LockCheckReport> {
  const kind = resolveUserLock(spec);
  const def: UserLockDef = await loadUserLock(kind);
  const iterations = o.iterations ?? 20_000;
  const boundMs = o.boundMs ?? 10_000;
  const say = o.onProgress ?? (() => {});
  const props: PropertyResult[] = [];
  let lab = LockLab.open(3);
  /** run one scenario (TIMED_OUT: it did not finish within its bound); on timeout, end the pool (terminating stuck threads) and start a fresh one */
  const scenario = async <T>(run: (l: LockLab) => Promise<T>): Promise<T | typeof TIMED_OUT> => {
    const r = await within(run(lab), boundMs);
    if (r === TIMED_OUT) {
      void lab.close().catch(() => {});
      lab = LockLab.open(3);
    }
    return r;
  };
  const stuck = `did not finish within ${boundMs / 1000} s: a waiter never got the lock (see no lost wake-up)`;
  try {
    say('mutual exclusion');
    const me = await scenario((l) => mutualExclusion(l, kind, 2, iterations, 16));
    const race = me === TIMED_OUT ? TIMED_OUT : await scenario((l) => entryRace(l, kind, 2, RACE_ROUNDS, RACE_MS));
    if (me === TIMED_OUT || race === TIMED_OUT) props.push({ property: 'mutual exclusion', status: 'unknown', detail: stuck });
    else {
      const lost = me.expected - me.count;
      props.push({
        property: 'mutual exclusion',
        status: lost === 0 && race.overlaps === 0 ? 'holds' : 'broken',
        detail: `2 workers x ${iterations} plain increments under the lock: ${me.count} of ${me.expected}${lost ? ` (${lost} lost)` : ''}; ${race.rounds} rounds of both acquiring at the same instant: ${race.overlaps === 0 ? 'never two holders' : `two holders at once ${race.overlaps} time(s)`}`,
      });
    }

    if (!def.rw) props.push({ property: 'reader-writer exclusion', status: 'n/a', detail: 'not an rw kind (no readAcquire/readRelease)' });
    else {
      say('reader-writer exclusion');
      const torn = await scenario((l) => tornReads(l, kind, true, 2000));
      const share = torn === TIMED_OUT ? TIMED_OUT : await scenario((l) => readersShare(l, kind, 2, 50));
      if (torn === TIMED_OUT) props.push({ property: 'reader-writer exclusion', status: 'unknown', detail: stuck });
      else {
        const shared = share !== TIMED_OUT && share.every(Boolean);
        props.push({
          property: 'reader-writer exclusion',
          status: torn.torn === 0 && torn.reads > 0 ? 'holds' : 'broken',
          detail: `a reader under readAcquire saw ${torn.torn} torn record(s) in ${torn.reads} reads while a writer rewrote it under acquire; two readers ${shared ? 'share the lock' : 'did not share the lock'}`,
        });
      }
    }

    if (!def.fair) props.push({ property: 'FIFO', status: 'n/a', detail: 'the class does not say it is fair (static fair = true)' });
    else {
      say('FIFO');
      const orders: string[] = [];
      let status: PropertyStatus = 'holds';
      for (const order of [
        [1, 2],
        [2, 1],
      ]) {
        const got = await scenario((l) => arrivalOrder(l, kind, order, undefined, FIFO_GRACE_MS));
        if (got === TIMED_OUT) {
          status = 'unknown';
          orders.push(`queued ${order.join(',')}: ${stuck}`);
          break;
        }
        if (got.join(',') !== order.join(',')) status = 'broken';
        orders.push(`queued ${order.join(',')}, got ${got.join(',')}`);
      }
      props.push({ property: 'FIFO', status, detail: `workers queued ${FIFO_GRACE_MS} ms apart behind a holder: ${orders.join('; ')}` });
    }

    say('no lost wake-up');
    const waits: number[] = [];
    let lost = false;
    for (let i = 0; i < 3 && !lost; i++) {
      const r = await scenario((l) => holdWhileWaiting(l, kind, HOLD_MS));
      if (r === TIMED_OUT) lost = true;
      else waits.push(Math.round(r.waiter.elapsedMs ?? 0));
    }
    props.push({
      property: 'no lost wake-up',
      status: lost ? 'broken' : 'holds',
      detail: lost
        ? `a waiter that queued while the lock was held for ${HOLD_MS} ms still did not have it ${boundMs / 1000} s later (after ${waits.length} good round(s)): its wake-up was lost`
        : `3 times a waiter queued while the lock was held for ${HOLD_MS} ms, and got it after ${waits.join(', ')} ms`,
    });
  } finally {
    void lab.close().catch(() => {});
  }
  return { path: spec, kind, className: def.className, rw: def.rw, fair: def.fair, properties: props, ok: props.every((p) => p.status === 'holds' || p.status === 'n/a') };
}

const MARK: Record<PropertyStatus, string> = { holds: 'ok', broken: 'XX', unknown: '??', 'n/a': '--' };

export function formatLockCheck(r: LockCheckReport): string {
  const lines = [`locks --check ${r.path}: class ${r.className} (${r.rw ? 'reader-writer' : 'exclusive'}${r.fair ? ', says it is fair' : ''})`];
  for (const p of r.properties) lines.push(`  ${MARK[p.status]} ${p.property.padEnd(24)} ${p.status.padEnd(7)} ${p.detail}`);
  const applicable = r.properties.filter((p) => p.status !== 'n/a');
  const held = applicable.filter((p) => p.status === 'holds').length;
  lines.push(r.ok ? `all ${held} applicable properties hold` : `${held} of ${applicable.length} applicable properties hold`);
  return lines.join('\n') + '\n';
}
