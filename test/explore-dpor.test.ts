/**
 * `explore --strategy dpor` on the controlled scheduler (src/explore/strategies/dpor.ts):
 * every seeded bug of FILE_HUNTS found with a minimal schedule that replays; every
 * concurrent file exhaustive and clean under every design it applies to; trace counts
 * against DFS on the window probes (windows are conservatively dependent with
 * everything: DPOR may not explore more than DFS, and with nothing independent it
 * explores exactly the same number); outcome sets against unbounded DFS; negative
 * controls (a dependence that ignores the log misses a bug; a budget is not exhaustive).
 * Budgets are executions, never time.
 */
import test from 'ava';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { BugName } from '../src/seccomp/bug.ts';
import { DEFAULT_LOCK_PLAN } from '../src/locks/kinds.ts';
import { Session, type World } from '../src/explore/session.ts';
import { ProbeWorkload, ScenarioWorkload, type Workload } from '../src/explore/workloads.ts';
import { DfsStrategy } from '../src/explore/strategies/dfs.ts';
import { DporStrategy } from '../src/explore/strategies/dpor.ts';
import { search, type ExploreOptions, type ExploreReport } from '../src/explore/explore.ts';
import { decodeSchedule } from '../src/explore/schedule.ts';
import { replayOn } from '../src/explore/replay.ts';
import { readConcurrentFile } from '../src/scenario/concurrent-parse.ts';
import { DESIGN_NAMES } from '../src/seccomp/designs/index.ts';
import { FILE_HUNTS } from './helpers/hunts.ts';

const DIR = fileURLToPath(new URL('concurrent/', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const world = (design = 'merged', bug: BugName | null = null): World => ({ design, bug, scope: 'siglock', plan: DEFAULT_LOCK_PLAN });
const DPOR: ExploreOptions = { strategy: 'dpor', iterations: 1e9, preemptions: 0, depth: 3, seed: 1 };

async function withSession<T>(w: Workload, wd: World, fn: (s: Session) => Promise<T>): Promise<T> {
  const s = await Session.open(w, wd);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** Every schedule DFS with at most P preemptions runs (budget: executions), the outcome lines, exhausted? */
function dfsRun(s: Session, p: number, budget: number): { n: number; outcomes: Set<string>; exhausted: boolean; found: boolean } {
  const dfs = new DfsStrategy(p, budget, 1);
  const outcomes = new Set<string>();
  let n = 0;
  let found = false;
  for (let e; (e = s.run(dfs)); ) {
    n++;
    if (e.outcome) outcomes.add(e.outcome.line);
    if (e.failure) found = true;
  }
  return { n, outcomes, exhausted: dfs.exhausted, found };
}

const lines = (r: ExploreReport) => new Set(r.outcomes.map((o) => o.line));

for (const [name, bug, kinds] of FILE_HUNTS) {
  test.serial(`dpor finds ${bug} on ${name}; the found and minimal schedules replay to the same failure twice`, async (t) => {
    const cf = readConcurrentFile(join(DIR, `${name}.json`));
    await withSession(new ScenarioWorkload(cf), world(cf.scenario.designs?.[0] ?? 'merged', bug), async (session) => {
      const r = await search(session, DPOR);
      t.true(r.found, `dpor did not find ${bug}`);
      t.false(r.exhaustive);
      t.true(kinds.includes(r.violation!.kind), r.violation!.kind);
      t.true(r.minimalPreemptions <= r.foundPreemptions);
      for (const text of [r.schedule!, r.minimal!]) {
        const sched = decodeSchedule(text);
        const rep = replayOn(session, sched);
        t.true(rep.reproduced, `${text}: ${rep.nondeterminism}`);
        t.is(rep.violation?.kind, sched.failure!);
      }
    });
  });
}

// Every file under every design it applies to. On a 2-actor file, under its first design,
// the outcome set is also held against DFS: without a preemption bound DFS is the
// reference, but it does not run out on these files within a test budget, so every
// outcome it saw (unbounded within DFS_BUDGET schedules, and every one of the exhaustive
// P=2 search) must be in dpor's set, which is exhaustive; where DFS does run out the sets
// must be equal. tsync_vs_syscall, whose race window is wild, is the largest search:
// about 5,000 traces per design.
const DFS_BUDGET = 2000;
for (const f of FILES) {
  const cf = readConcurrentFile(join(DIR, f));
  const designs = cf.scenario.designs ?? DESIGN_NAMES;
  const twoActors = Object.keys(cf.scenario.actors).length === 2;
  for (const design of designs) {
    const withDfs = twoActors && design === designs[0];
    test.serial(`dpor: ${f} under ${design} is exhaustive and clean${withDfs ? "; its outcomes contain unbounded DFS's and P=2 DFS's" : ''}`, async (t) => {
      await withSession(new ScenarioWorkload(cf), world(design), async (s) => {
        const r = await search(s, DPOR);
        t.false(r.found, r.violation ? `${r.violation.kind}: ${r.violation.message}` : '');
        t.true(r.exhaustive, r.summary);
        t.true(r.traces >= 1);
        t.is(r.outcomes.reduce((a, o) => a + o.count, 0), r.traces, 'one outcome per trace');
        t.log(`${f} ${design}: ${r.traces} traces, ${r.sleepBlocked} cut by sleep sets, ${r.outcomes.length} outcome(s)`);
        if (!withDfs) return;
        const mine = lines(r);
        const unbounded = dfsRun(s, 64, DFS_BUDGET);
        const p2 = dfsRun(s, 2, 1e6);
        t.true(p2.exhausted);
        for (const o of unbounded.outcomes) t.true(mine.has(o), `unbounded DFS saw ${o}, dpor did not`);
        for (const o of p2.outcomes) t.true(mine.has(o), `P=2 DFS saw ${o}, dpor did not`);
        if (unbounded.exhausted) {
          t.deepEqual([...mine].sort(), [...unbounded.outcomes].sort());
          t.true(r.traces <= unbounded.n);
        }
        t.log(`  unbounded DFS ${unbounded.n}${unbounded.exhausted ? ' (exhausted)' : ` (budget ${DFS_BUDGET})`}; P=2 DFS ${p2.n}`);
      });
    });
  }
}

test.serial('window probes: dpor runs no more than unbounded DFS, exactly one execution per trace', async (t) => {
  for (const [k, actors, schedules, expected] of [
    [1, 2, 6, 4],
    [2, 2, 20, 14],
    [1, 3, 90, 36],
  ] as const) {
    await withSession(new ProbeWorkload('windows', k, actors), world(), async (s) => {
      const d = dfsRun(s, 64, 1e6);
      t.true(d.exhausted);
      const r = await search(s, DPOR);
      t.true(r.exhaustive);
      t.true(r.traces <= d.n, `dpor ${r.traces} > dfs ${d.n}`);
      t.is(r.traces, expected, `k=${k}, ${actors} actors`);
      t.is(d.n, schedules);
    });
  }
});

test.serial('the abba probe: dpor finds the deadlock, as DFS does', async (t) => {
  await withSession(new ProbeWorkload('abba', 1, 2), world(), async (s) => {
    t.true(dfsRun(s, 64, 1e6).found);
    const r = await search(s, DPOR);
    t.true(r.found);
    t.is(r.violation!.kind, 'deadlock');
    t.true(replayOn(s, decodeSchedule(r.minimal!)).reproduced);
  });
});

test.serial('a budget is not exhaustive, and says so', async (t) => {
  const cf = readConcurrentFile(join(DIR, 'tsync_vs_exit.json'));
  const r = await withSession(new ScenarioWorkload(cf), world(), (s) => search(s, { ...DPOR, iterations: 3 }));
  t.false(r.exhaustive);
  t.is(r.iterations, 3);
  t.regex(r.summary, /not exhaustive \(--iterations 3 reached\)/);
});

test.serial('negative controls: a dependence that sees no conflict misses a bug dpor finds; a prefix that does not replay is a lab fault, not a search', async (t) => {
  const cf = readConcurrentFile(join(DIR, 'tsync_vs_exit.json'));
  await withSession(new ScenarioWorkload(cf), world('merged', 'exit-release-unlocked'), async (s) => {
    const blind = new DporStrategy(2, 1e9, 1, null, () => false);
    let found = false;
    let n = 0;
    for (let e; (e = s.run(blind)); n++) if (e.failure) found = true;
    t.false(found, 'with every step independent, no race is seen: one execution, no bug');
    t.is(n, 1);
    t.true((await search(s, DPOR)).found, 'the real relation finds it');
  });
  // the next execution's prefix replayed on another program (lock operations where windows were): caught, not explored
  const st = new DporStrategy(2, 1e9, 1);
  await withSession(new ProbeWorkload('windows', 2, 2), world(), async (s) => {
    t.truthy(s.run(st));
  });
  await withSession(new ProbeWorkload('abba', 1, 2), world(), async (s) => {
    t.throws(() => s.run(st), { message: /uncontrolled nondeterminism/ });
  });
});
