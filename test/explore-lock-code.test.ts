/**
 * Real lock code under explore (src/explore/lock-code.ts): every lock runs its own
 * code, each Atomics operation on a shared word a step. A broken lock is found with
 * a minimal schedule that replays (two holders inside, a data race, a lost wake-up,
 * a spinner nobody releases); every built-in kind and the docs' ticket lock are the negative
 * controls (exhaustive and clean); --grant-locks is the old, opt-in mode, and says so.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { DEFAULT_LOCK_PLAN, LOCK_KINDS, parseLockKind, type LockKind } from '../src/locks/kinds.ts';
import { preloadUserLocks } from '../src/locks/user.ts';
import type { World } from '../src/explore/session.ts';
import { ScenarioWorkload } from '../src/explore/workloads.ts';
import { explore } from '../src/explore/explore.ts';
import { decodeSchedule } from '../src/explore/schedule.ts';
import { replaySchedule } from '../src/explore/replay.ts';
import { readConcurrentFile } from '../src/scenario/concurrent-parse.ts';
import { LOCKS_GRANTED, formatExplore } from '../src/explore/format.ts';
import { cli } from './helpers/cli.ts';
import { tmpFolder } from './helpers/tmp.ts';

const DIR = fileURLToPath(new URL('concurrent/', import.meta.url));
const CLONE = join(DIR, 'tsync_vs_clone.json');
const clone = () => new ScenarioWorkload(readConcurrentFile(CLONE));
const fixture = (name: string) => fileURLToPath(new URL(`fixtures/locks/${name}`, import.meta.url));
const CHECK_THEN_STORE = fileURLToPath(new URL('../docs/examples/locks/check-then-store.mjs', import.meta.url));
const MY_TICKET = fileURLToPath(new URL('../docs/examples/locks/ticket-lock.mjs', import.meta.url));

async function siglockWorld(spec: string, grantLocks = false): Promise<World> {
  const kind: LockKind = parseLockKind(spec);
  const plan = { ...DEFAULT_LOCK_PLAN, siglock: kind };
  await preloadUserLocks(Object.values(plan));
  return { design: 'merged', bug: null, scope: 'siglock', plan, grantLocks };
}

const DPOR = { strategy: 'dpor' as const, iterations: 1e9, preemptions: 0, depth: 3, seed: 1 };

for (const [name, spec, kind, detail] of [
  ['the docs check-then-store lock', CHECK_THEN_STORE, 'mutual-exclusion', /acquired siglock\[0\] while \w+ \(write\) held it/],
  ['a ttas that stores instead of its CAS', fixture('ttas-store-not-cas.mjs'), 'mutual-exclusion', /acquired siglock\[0\] while/],
  ['a ttas that takes the lock with a plain store', fixture('ttas-plain-store.mjs'), 'data-race', /data race on siglock\[0\]\.word\[0\]: \w+'s atomic read and \w+'s plain write are not ordered by happens-before/],
  ['a lock whose waiter sleeps on a word nobody notifies', fixture('lost-wakeup.mjs'), 'lost-wakeup', /waits for siglock\[0\] \(write\) which is free: it sleeps in Atomics.wait on /],
  ['a ticket lock that takes its ticket with a load and a store', fixture('ticket-load-store.mjs'), 'livelock', /waits for siglock\[0\] \(write\) which is free: it spins on /],
] as const) {
  test.serial(`explore finds ${name} (${kind}) inside the TSYNC scenario, with a minimal schedule that replays`, async (t) => {
    t.timeout(300_000);
    const w = await siglockWorld(spec);
    const r = await explore(clone(), w, DPOR);
    t.true(r.found, `${name}: ${r.summary}`);
    t.is(r.violation!.kind, kind, r.violation?.message);
    t.regex(r.violation!.message, detail);
    t.is(r.lockCode, 'real');
    const s = decodeSchedule(r.minimal!);
    t.false(s.grantLocks);
    const again = await replaySchedule(clone(), w, s);
    t.true(again.reproduced, again.nondeterminism ?? '');
    t.is(again.violation?.kind, kind);
    if (kind === 'mutual-exclusion') {
      // the interleaving table shows both holders inside: each column enters siglock before either leaves
      const rows = r.minimalTable!.split('\n').filter((l) => l.includes('siglock[0]') && /[+-]siglock\[0\]/.test(l));
      const ev = rows.map((l) => ({ col: l.indexOf('+siglock') >= 0 ? l.indexOf('+siglock') : l.indexOf('-siglock'), enter: l.includes('+siglock') }));
      const firstLeave = ev.findIndex((e) => !e.enter);
      const enters = ev.slice(0, firstLeave < 0 ? ev.length : firstLeave).filter((e) => e.enter);
      t.true(new Set(enters.map((e) => e.col)).size >= 2, r.minimalTable!);
    }
  });
}

test.serial('negative controls: with every built-in kind and the docs ticket lock as siglock, dpor is exhaustive and clean', async (t) => {
  t.timeout(300_000);
  for (const spec of [...LOCK_KINDS.filter((k) => k !== 'native'), MY_TICKET]) {
    const r = await explore(clone(), await siglockWorld(spec), DPOR);
    t.false(r.found, `${spec}: ${r.violation?.kind}: ${r.violation?.message}`);
    t.true(r.exhaustive, `${spec}: ${r.summary}`);
    t.true(r.traces >= 1);
  }
});

test.serial('--grant-locks is the opt-in mode: the scheduler grants locks, the broken lock is not explored, and the output says so', async (t) => {
  t.timeout(300_000);
  const r = await explore(clone(), await siglockWorld(CHECK_THEN_STORE, true), DPOR);
  t.false(r.found);
  t.is(r.lockCode, 'granted');
  t.true(formatExplore(r, CLONE).includes(LOCKS_GRANTED));
  const real = await explore(clone(), await siglockWorld('ttas'), DPOR);
  t.false(formatExplore(real, CLONE).includes(LOCKS_GRANTED));
  const j = await cli(['explore', CLONE, '--strategy', 'dpor', '--grant-locks', '--json']);
  t.is(j.code, 0, j.stderr);
  t.is((JSON.parse(j.stdout) as { lockCode: string }).lockCode, 'granted');
});

test.serial('racy-siglock: explorable now, refused only with --grant-locks', async (t) => {
  t.timeout(300_000);
  const found = await cli(['explore', CLONE, '--bug', 'racy-siglock', '--strategy', 'dpor']);
  t.is(found.code, 1, found.stderr);
  t.regex(found.stdout, /mutual-exclusion: mutual exclusion broken/);
  const refused = await cli(['explore', CLONE, '--bug', 'racy-siglock', '--grant-locks']);
  t.is(refused.code, 2);
  t.regex(refused.stderr, /drop --grant-locks/);
});

test.serial('the printed replay command carries the --lock flags, and replays; merge refuses shards of the two lock modes', async (t) => {
  t.timeout(300_000);
  const r = await cli(['explore', CLONE, '--lock', `siglock=${CHECK_THEN_STORE}`, '--strategy', 'dpor']);
  t.is(r.code, 1, r.stderr);
  const line = /^replay it: npx tsync-lab (.*)$/m.exec(r.stdout)?.[1];
  t.truthy(line);
  t.true(line!.includes(`--lock siglock=${CHECK_THEN_STORE}`), line);
  const again = await cli(line!.split(' '));
  t.is(again.code, 0, again.stdout + again.stderr);
  const dir = tmpFolder('tsync-merge-', t);
  const a = await cli(['explore', CLONE, '--strategy', 'dpor', '--shard', '1/2', '--json']);
  const b = await cli(['explore', CLONE, '--strategy', 'dpor', '--shard', '2/2', '--grant-locks', '--json']);
  writeFileSync(join(dir, 'a.json'), a.stdout);
  writeFileSync(join(dir, 'b.json'), b.stdout);
  const m = await cli(['merge', join(dir, 'a.json'), join(dir, 'b.json')]);
  t.is(m.code, 2, m.stdout);
  t.regex(m.stderr, /lock code \(--grant-locks\)/);
});
