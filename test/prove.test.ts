/**
 * locks --prove (src/explore/prove): every built-in kind proved exhaustively, the broken
 * fixtures refuted with schedules that replay, negative controls for every property,
 * and the CLI contract (--json keys, exit codes). Deterministic: execution counts, no clocks.
 */
import test from 'ava';
import { lockUnderTest, PROVE_DEFAULTS, proveLock, replaySchedule, type ProveReport } from '../src/explore/prove/prove.ts';
import { lockDifferential } from '../src/explore/prove/differential.ts';
import { cli } from './helpers/cli.ts';

const status = (r: ProveReport, p: string): string => r.properties.find((x) => x.property === p)!.status;
const allHold = (r: ProveReport): boolean => r.properties.every((p) => p.status === 'holds' || p.status === 'n/a');

for (const [kind, traces] of [
  ['tas', 6],
  ['ttas', 6],
  ['ticket', 38],
] as const) {
  test.serial(`${kind} 2x2: every property holds, exhaustively (${traces} traces)`, async (t) => {
    const r = await proveLock(kind);
    t.true(r.exhaustive);
    t.is(r.traces, traces);
    t.true(allHold(r), JSON.stringify(r.properties));
  });
}

for (const kind of ['mcs', 'rw', 'futex']) {
  test.serial(`${kind} 2x2: every property holds, exhaustively`, async (t) => {
    const r = await proveLock(kind);
    t.true(r.exhaustive, r.cutBy ?? '');
    t.true(allHold(r), JSON.stringify(r.properties));
    if (kind === 'rw') t.is(status(r, 'reader-writer exclusion'), 'holds');
    if (kind === 'mcs') t.is(status(r, 'FIFO'), 'holds');
  });
}

test.serial('adaptive 2x1: holds, exhaustively (its 1024-look optimistic spin is run ahead, then it sleeps)', async (t) => {
  const r = await proveLock('adaptive', { acquisitions: 1 });
  t.true(r.exhaustive);
  t.true(allHold(r), JSON.stringify(r.properties));
});

test.serial('3 actors: rw and futex 3x1, tas, ttas, ticket and mcs 3x2 hold, exhaustively', async (t) => {
  for (const [kind, acquisitions, traces] of [
    ['rw', 1, 475],
    ['futex', 1, 15354],
    ['tas', 2, 90],
    ['ttas', 2, 90],
    ['ticket', 2, 8130],
    ['mcs', 2, 2898],
  ] as const) {
    const r = await proveLock(kind, { threads: 3, acquisitions });
    t.true(r.exhaustive, `${kind}: ${r.cutBy}`);
    t.is(r.traces, traces, kind);
    t.true(allHold(r), `${kind} ${JSON.stringify(r.properties)}`);
  }
});

// The prover's two cuts (one execution per trace; no look that would only fail) against
// every interleaving of the same system: the same entry orders, the same broken properties.
for (const [spec, threads, acquisitions] of [
  ['tas', 2, 2],
  ['ticket', 2, 2],
  ['ticket', 3, 1],
  ['./docs/examples/locks/ticket-lock.mjs', 2, 1],
  ['./test/fixtures/locks/lost-wakeup.mjs', 2, 2],
  ['./test/fixtures/locks/ttas-store-not-cas.mjs', 2, 2],
  ['./test/fixtures/locks/ttas-plain-store.mjs', 3, 1],
  ['./test/fixtures/locks/tas-says-fair.mjs', 2, 2],
  ['./test/fixtures/locks/tas-says-fair.mjs', 3, 1],
] as const) {
  test.serial(`brute force agrees: ${spec} ${threads}x${acquisitions}`, async (t) => {
    const d = lockDifferential(await lockUnderTest(spec, threads), { threads, acquisitions, spinProbe: PROVE_DEFAULTS.spinProbe });
    t.true(d.ok, d.mismatch ?? '');
    t.true(d.interleavings >= d.dporTraces);
  });
}

test.serial('negative control, brute force: without the held-back actors\' races, DPOR misses a broken FIFO', async (t) => {
  const fair = lockDifferential(await lockUnderTest('./test/fixtures/locks/tas-says-fair.mjs', 2), { threads: 2, acquisitions: 2, spinProbe: PROVE_DEFAULTS.spinProbe }, { awaitRaces: false });
  t.false(fair.ok);
  t.deepEqual(fair.bruteBroken, ['FIFO']);
  t.deepEqual(fair.dporBroken, []);
});

test.serial('the example ticket lock (spins, then timed waits) holds, FIFO included', async (t) => {
  const r = await proveLock('./docs/examples/locks/ticket-lock.mjs');
  t.true(r.exhaustive);
  t.true(allHold(r), JSON.stringify(r.properties));
  t.is(status(r, 'FIFO'), 'holds');
});

async function refuted(t: import('ava').ExecutionContext, path: string, property: string, opts = {}): Promise<ProveReport> {
  const r = await proveLock(path, opts);
  const p = r.properties.find((x) => x.property === property)!;
  t.is(p.status, 'broken', `${path}: ${JSON.stringify(r.properties)}`);
  t.truthy(p.schedule);
  const replay = await replaySchedule(path, p.schedule!);
  t.is(replay.error, null);
  t.true(
    replay.findings.some((f) => f.property === property),
    `the schedule ${p.schedule} replays to ${JSON.stringify(replay.findings)}`,
  );
  return r;
}

test.serial('check-then-store (docs example): mutual exclusion broken, both holders inside in the replayed table', async (t) => {
  const r = await refuted(t, './docs/examples/locks/check-then-store.mjs', 'mutual exclusion');
  const s = r.properties.find((x) => x.property === 'mutual exclusion')!.schedule!;
  const replay = await replaySchedule('./docs/examples/locks/check-then-store.mjs', s);
  t.is((replay.table.match(/enters the critical section/g) ?? []).length, 2);
  t.notRegex(replay.table, /leaves the critical section/);
});

test.serial('lost-wakeup fixture: no lost wake-up broken (the sleeper and the free lock), mutual exclusion holds', async (t) => {
  const r = await refuted(t, './test/fixtures/locks/lost-wakeup.mjs', 'no lost wake-up');
  t.is(status(r, 'mutual exclusion'), 'holds');
  t.regex(r.properties.find((x) => x.property === 'no lost wake-up')!.detail, /sleeps in Atomics\.wait .* the lock .* is free/);
});

test.serial('ttas with a store instead of a CAS: mutual exclusion broken with a 6-step schedule', async (t) => {
  const r = await refuted(t, './test/fixtures/locks/ttas-store-not-cas.mjs', 'mutual exclusion');
  const s = r.properties.find((x) => x.property === 'mutual exclusion')!.schedule!;
  // load, load, store, enter, store, enter: the minimal interleaving
  t.is(s.split(':')[1]!.length, 6);
});

test.serial('ttas with a plain store: a data race on the lock word', async (t) => {
  await refuted(t, './test/fixtures/locks/ttas-plain-store.mjs', 'no data race');
});

test.serial('ticket lock taking its ticket with load + store: mutual exclusion broken', async (t) => {
  await refuted(t, './test/fixtures/locks/ticket-load-store.mjs', 'mutual exclusion');
});

test.serial('negative control, FIFO: a TAS lock that says it is fair is refuted', async (t) => {
  await refuted(t, './test/fixtures/locks/tas-says-fair.mjs', 'FIFO');
});

test.serial('negative control, deadlock freedom: a release that does not unlock is a livelock naming the word', async (t) => {
  const r = await refuted(t, './test/fixtures/locks/never-unlocks.mjs', 'deadlock freedom', { acquisitions: 1 });
  t.regex(r.properties.find((x) => x.property === 'deadlock freedom')!.detail, /livelock: actor \d spins in acquire\(\) #1, re-reading w0 = \d/);
});

test.serial('a bound that cuts the search is reported, never silent', async (t) => {
  const r = await proveLock('ticket', { maxExecutions: 10 });
  t.false(r.exhaustive);
  t.regex(r.cutBy ?? '', /execution budget 10/);
});

test.serial('CLI: --json prints exactly the contract keys; exit 0 when everything holds', async (t) => {
  const r = await cli(['locks', '--prove', 'tas', '--json']);
  t.is(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  for (const k of ['lock', 'threads', 'acquisitions', 'exhaustive', 'traces', 'elapsedMs', 'properties']) t.true(k in j, k);
  t.is(j['lock'], 'tas');
  t.is(j['traces'], 6);
  t.true(j['exhaustive']);
  const props = j['properties'] as { property: string; status: string; schedule: string | null; detail: string }[];
  t.deepEqual(Object.keys(props[0]!), ['property', 'status', 'schedule', 'detail']);
  // exactly the contract's five properties; data races come in an added key of the same shape
  t.deepEqual(
    props.map((p) => p.property),
    ['mutual exclusion', 'reader-writer exclusion', 'deadlock freedom', 'no lost wake-up', 'FIFO'],
  );
  t.deepEqual(Object.keys(j['dataRace'] as object), ['property', 'status', 'schedule', 'detail']);
});

test.serial('CLI: a data race exits 1 and is reported in the added dataRace key, the contract properties unchanged', async (t) => {
  const r = await cli(['locks', '--prove', './test/fixtures/locks/ttas-plain-store.mjs', '--json']);
  t.is(r.code, 1);
  const j = JSON.parse(r.stdout) as { properties: { property: string }[]; dataRace: { status: string; schedule: string | null } };
  t.is(j.dataRace.status, 'broken');
  t.truthy(j.dataRace.schedule);
  t.false(j.properties.some((p) => p.property === 'no data race'));
});

test.serial('CLI: a broken lock exits 1 with the minimal schedule and the table; --schedule replays it', async (t) => {
  const r = await cli(['locks', '--prove', './test/fixtures/locks/ttas-store-not-cas.mjs']);
  t.is(r.code, 1);
  t.regex(r.stdout, /mutual exclusion broken: minimal schedule (2x2:\d+)/);
  const s = /minimal schedule (2x2:\d+)/.exec(r.stdout)![1]!;
  const replay = await cli(['locks', '--prove', './test/fixtures/locks/ttas-store-not-cas.mjs', '--schedule', s]);
  t.is(replay.code, 1);
  t.regex(replay.stdout, /mutual exclusion broken/);
  t.regex(replay.stdout, /actor 0 +actor 1/);
});

test.serial('CLI: bad input exits 2 with one line', async (t) => {
  for (const args of [
    ['--prove', 'nope'],
    ['--prove', 'native'],
    ['--prove', 'tas', '--threads', '9'],
    ['--prove', 'tas', '--schedule', '2x2:07'],
    ['--prove', 'tas', '--json', 'out.json'],
    ['--threads', '2'],
  ]) {
    const r = await cli(['locks', ...args]);
    t.is(r.code, 2, args.join(' '));
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
