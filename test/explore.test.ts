/**
 * The controlled engine: DFS counts against a hand count, the concurrent library clean
 * under DFS, each relevant seeded bug found by each strategy and replayed to the same
 * failure twice, the deadlock report, and the nondeterminism check's negative control.
 */
import type { BugName } from '../src/seccomp/bug.ts';
import test from 'ava';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DEFAULT_LOCK_PLAN } from '../src/locks/kinds.ts';
import { Session, type World } from '../src/explore/session.ts';
import { ProbeWorkload, ScenarioWorkload, StressWorkload, type Workload } from '../src/explore/workloads.ts';
import { DfsStrategy } from '../src/explore/strategies/dfs.ts';
import { explore, search, scheduleOf, tableOf } from '../src/explore/explore.ts';
import { RandomStrategy } from '../src/explore/strategies/random.ts';
import { decodeResult, encodeResult } from '../src/scenario/concurrent-ops.ts';
import { fail, tsyncFailed, type Errno } from '../src/seccomp/errors.ts';
import { decodeSchedule } from '../src/explore/schedule.ts';
import { replayOn, replaySchedule } from '../src/explore/replay.ts';
import { readConcurrentFile } from '../src/scenario/concurrent-parse.ts';
import { DESIGN_NAMES } from '../src/seccomp/designs/index.ts';
import type { StrategyName } from '../src/explore/strategies/index.ts';
import { FILE_HUNTS } from './helpers/hunts.ts';

const DIR = fileURLToPath(new URL('concurrent/', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const world = (design = 'merged', bug: BugName | null = null): World => ({ design, bug, scope: 'siglock', plan: DEFAULT_LOCK_PLAN });
const file = (name: string) => new ScenarioWorkload(readConcurrentFile(join(DIR, `${name}.json`)));

async function dfsCounts(w: Workload, bounds: number): Promise<number[]> {
  const s = await Session.open(w, world());
  try {
    const out: number[] = [];
    for (let p = 0; p < bounds; p++) {
      const dfs = new DfsStrategy(p, 1e6, 1);
      let n = 0;
      while (s.run(dfs)) n++;
      if (!dfs.exhausted) throw new Error('not exhausted');
      out.push(n);
    }
    return out;
  } finally {
    await s.close();
  }
}

// Two actors, each with k race windows: k+1 atomic segments per actor. An interleaving
// with r runs has r-2 preemptions; with n = k+1 segments the number of interleavings
// with r runs is 2·C(n-1, ceil(r/2)-1)·C(n-1, floor(r/2)-1). k=1: 2, 2, 2 (r = 2..4);
// k=2: 2, 4, 8, 4, 2 (r = 2..6), C(6,3) = 20 in all.
test.serial('DFS is exhaustive within the preemption bound: counts equal the hand count', async (t) => {
  const hand: [number, number[]][] = [
    [1, [2, 4, 6]],
    [2, [2, 6, 14, 18, 20]],
  ];
  for (const [k, counts] of hand) t.deepEqual(await dfsCounts(new ProbeWorkload('windows', k), counts.length), counts, `k=${k}, P = 0..${counts.length - 1}`);
});

test.serial('every concurrent file is clean for merged under DFS with 2 preemptions, and for its other designs with 1', async (t) => {
  let varied = 0;
  for (const f of FILES) {
    const cf = readConcurrentFile(join(DIR, f));
    const designs = cf.scenario.designs ?? DESIGN_NAMES;
    for (const design of designs) {
      const r = await explore(new ScenarioWorkload(cf), world(design), { strategy: 'dfs', iterations: 1e6, preemptions: design === 'merged' ? 2 : 1, depth: 3, seed: 1 });
      t.false(r.found, `${f} ${design}: ${r.violation?.kind} ${r.violation?.message}`);
      t.regex(r.summary, /exhaustive within the bound/, `${f} ${design}`);
      if (r.outcomes.filter((o) => o.expect === 'acceptable').length >= 2) varied++;
    }
  }
  t.true(FILES.some((f) => readConcurrentFile(join(DIR, f)).scenario.designs?.includes('merged') ?? true));
  t.true(varied >= 1, 'some file shows two or more acceptable outcomes');
});


for (const [name, bug, kinds] of FILE_HUNTS) {
  test.serial(`${name}: ${bug} is found by dfs, random and pct; each schedule replays to the same failure twice`, async (t) => {
    const cf = readConcurrentFile(join(DIR, `${name}.json`));
    const w = world(cf.scenario.designs?.[0] ?? 'merged', bug);
    const session = await Session.open(new ScenarioWorkload(cf), w);
    const found: string[] = [];
    try {
      for (const strategy of ['dfs', 'random', 'pct'] as StrategyName[]) {
        const r = await search(session, { strategy, iterations: 5000, preemptions: 2, depth: 3, seed: 1 });
        t.true(r.found, `${strategy} did not find ${bug}`);
        t.true(kinds.includes(r.violation!.kind), `${strategy}: ${r.violation!.kind}`);
        t.true(r.minimalPreemptions <= r.foundPreemptions);
        found.push(r.schedule!, r.minimal!);
      }
      for (const s of found) {
        const sched = decodeSchedule(s);
        const r = replayOn(session, sched);
        t.true(r.reproduced, `${s}: ${r.nondeterminism}`);
        t.is(r.violation?.kind, sched.failure!);
      }
    } finally {
      await session.close();
    }
  });
}

test.serial('the deadlock report names the holder and the waiter of each lock', async (t) => {
  const r = await explore(file('clone_vs_exit'), world('merged', 'lock-order-inversion'), { strategy: 'dfs', iterations: 1000, preemptions: 1, depth: 3, seed: 1 });
  t.is(r.violation?.kind, 'deadlock');
  t.regex(r.violation!.message, /main waits for (siglock|tasklist_lock)\S* \(write\) held by a \(write\)/);
  t.regex(r.violation!.message, /a waits for (siglock|tasklist_lock)\S* \(write\) held by main \(write\)/);
  const abba = await explore(new ProbeWorkload('abba', 1), world(), { strategy: 'dfs', iterations: 100, preemptions: 1, depth: 3, seed: 1 });
  // each lock runs its own code (ttas): the waiter is blocked on the word it spins on
  t.is(abba.violation?.message, 'a waits for extra_lock[1] (write) held by b (write): it spins on extra_lock[1].state = 2; b waits for extra_lock[0] (write) held by a (write): it spins on extra_lock[0].state = 1');
  const granted = await explore(new ProbeWorkload('abba', 1), { ...world(), grantLocks: true }, { strategy: 'dfs', iterations: 100, preemptions: 1, depth: 3, seed: 1 });
  t.is(granted.violation?.message, 'a waits for extra_lock[1] (write) held by b (write); b waits for extra_lock[0] (write) held by a (write)');
});

test.serial('the nondeterminism check fires on its negative control, and only there', async (t) => {
  const s = await Session.open(new ProbeWorkload('nondet', 2), world());
  try {
    const sched = decodeSchedule(scheduleOf(s, s.run(new DfsStrategy(1, 1, 1))!));
    const clean = replayOn(s, sched);
    t.true(clean.reproduced);
    t.is(clean.nondeterminism, null);
    // armed: worker-local state (not a scheduler choice) adds a race window every other run
    const armed = replayOn(s, sched, true);
    t.false(armed.reproduced);
    t.regex(armed.nondeterminism ?? '', /^nondeterminism at step \d+/);
  } finally {
    await s.close();
  }
});

test('one result encoder keeps the errno: every errno, a TSYNC refusal and ok decode to what was encoded', (t) => {
  const errnos: Errno[] = ['EINVAL', 'EACCES', 'ENOMEM', 'ESRCH', 'EAGAIN'];
  for (const errno of errnos) {
    const e = encodeResult(fail(errno));
    t.deepEqual(decodeResult(e.code, e.arg, String), { result: 'error', errno }, errno);
  }
  const r = encodeResult(tsyncFailed(7));
  t.deepEqual(decodeResult(r.code, r.arg, (tid) => `tid${tid}`), { result: 'tsync_failed', thread: 'tid7' });
  t.deepEqual(decodeResult(0, 0, String), { result: 'ok' });
  // negative control: explore's former encoder wrote arg 0 for every errno, which reads back as EINVAL
  t.deepEqual(decodeResult(1, 0, String), { result: 'error', errno: 'EINVAL' });
});

test.serial('the stress workload: an op that failed shows its errno in the interleaving table (it said "done" before, its errno dropped)', async (t) => {
  // t1 and t3 start without no_new_privs in an unprivileged process: their attach or TSYNC is EACCES until a TSYNC spreads it
  const s = await Session.open(new StressWorkload(2, 3), world());
  try {
    const st = new RandomStrategy(1, 200, true);
    let seen = 0;
    for (let e = s.run(st); e && seen === 0; e = s.run(st)) {
      for (let a = 0; a < 2; a++)
        for (let i = 0; i < 3; i++) {
          const r = e.opResult(a, i);
          if (r.code !== 1) continue;
          const d = decodeResult(r.code, r.arg, String);
          t.true(d.result === 'error' && d.errno === 'EACCES', JSON.stringify(d));
          t.regex(tableOf(s, e), /◀ EACCES/);
          seen++;
        }
    }
    t.true(seen > 0, 'some execution had an op fail with an errno');
  } finally {
    await s.close();
  }
});

test.serial('the stress workload: op choices come from the schedule, a found bug replays without a file', async (t) => {
  const w = new StressWorkload(3, 3);
  const r = await explore(w, world('merged', 'partial-tsync'), { strategy: 'random', iterations: 5000, preemptions: 2, depth: 3, seed: 1 });
  t.true(r.found);
  const sched = decodeSchedule(r.minimal!);
  t.is(sched.workload, 'w=stress.3.3');
  const again = await replaySchedule(new StressWorkload(3, 3), world('merged', 'partial-tsync'), sched);
  t.true(again.reproduced, again.nondeterminism ?? '');
});
