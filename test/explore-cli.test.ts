/**
 * The concurrent scenario format (bad files name their JSON path, the partial-pattern
 * matcher, the canonical outcome line), the guard map's coverage of the layout, and
 * the explore / replay commands: JSON contracts, exit codes, one-line errors.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { parseConcurrentText } from '../src/scenario/concurrent-parse.ts';
import { grade, matches, renderOutcome } from '../src/scenario/concurrent-outcome.ts';
import { UsageError } from '../src/shared/usage-error.ts';
import { ALLOC, GROUP, NODE, TASK } from '../src/shared/layout.ts';
import { ALLOC_GUARDS, GROUP_GUARDS, NODE_GUARDS, TASK_GUARDS } from '../src/shared/guards.ts';
import { decodeSchedule, encodeSchedule } from '../src/explore/schedule.ts';
import { cli } from './helpers/cli.ts';

const CLONE = fileURLToPath(new URL('concurrent/tsync_vs_clone.json', import.meta.url));
const base = {
  threads: ['main', 'a'],
  setup: [{ thread: 'main', op: 'set_nnp' }],
  actors: { main: [{ op: 'attach', filter: 'F', flags: ['tsync'] }], a: [{ op: 'clone', child: 'b' }] },
};
const doc = (over: object) => JSON.stringify({ ...base, ...over });

const BAD: [string, string, RegExp][] = [
  ['invalid JSON', '{', /\$: invalid JSON/],
  ['unknown actor op', doc({ actors: { main: [{ op: 'fork' }] } }), /\$\.actors\.main\[0\]\.op: must be one of/],
  ['actor not a thread', doc({ actors: { zed: [{ op: 'exit' }] } }), /\$\.actors\.zed: unknown thread "zed"/],
  ['op after the actor exited', doc({ actors: { a: [{ op: 'exit' }, { op: 'set_nnp' }] } }), /\$\.actors\.a\[1\]: thread "a" has exited/],
  ['duplicate child', doc({ actors: { main: [{ op: 'clone', child: 'a' }] } }), /\$\.actors\.main\[0\]\.child: duplicate thread name "a"/],
  ['setup by an unknown thread', doc({ setup: [{ thread: 'q', op: 'set_nnp' }] }), /\$\.setup\[0\]\.thread: unknown thread "q"/],
  ['attach without filter', doc({ actors: { main: [{ op: 'attach' }] } }), /\$\.actors\.main\[0\]: missing field "filter"/],
  ['bad grade', doc({ outcomes: [{ expect: 'fine' }] }), /\$\.outcomes\[0\]\.expect: must be one of/],
  ['pattern on an unknown actor', doc({ outcomes: [{ match: { actors: { zed: [] } }, expect: 'forbidden' }] }), /\$\.outcomes\[0\]\.match\.actors\.zed: unknown actor/],
  ['pattern array of the wrong length', doc({ outcomes: [{ match: { actors: { main: [] } }, expect: 'forbidden' }] }), /\$\.outcomes\[0\]\.match\.actors\.main: must be an array of 1/],
  ['pattern on an unknown thread', doc({ outcomes: [{ match: { threads: { q: {} } }, expect: 'forbidden' }] }), /\$\.outcomes\[0\]\.match\.threads\.q: unknown thread/],
  ['unknown design', doc({ designs: ['linus'] }), /\$\.designs\[0\]: must be one of/],
];

for (const [name, text, re] of BAD)
  test(`bad concurrent file: ${name}`, (t) => {
    const e = t.throws(() => parseConcurrentText(text, 'f.json'));
    t.true(e instanceof UsageError);
    t.regex(e!.message, /^f\.json: /);
    t.regex(e!.message, re);
  });

test('match: objects key by key for the keys given, arrays element-wise with equal length', (t) => {
  t.true(matches({ a: 1 }, { a: 1, b: 2 }));
  t.false(matches({ a: 1, c: 3 }, { a: 1 }));
  t.true(matches([{ r: 'ok' }], [{ r: 'ok', x: 1 }]));
  t.false(matches([{ r: 'ok' }], [{ r: 'ok' }, { r: 'ok' }]));
  t.false(matches([], {}));
  t.true(matches({ f: [] }, { f: [] }));
  t.false(matches({ f: [] }, {}));
});

test('grade: the first matching rule wins; an unlisted result is forbidden; the outcome line is canonical', (t) => {
  const s = parseConcurrentText(doc({ outcomes: [{ match: { actors: { main: [{ result: 'ok' }] } }, expect: 'interesting', desc: 'won' }, { match: {}, expect: 'acceptable' }] }));
  const r = {
    setup: [{ result: 'ok' as const }],
    actors: { main: [{ result: 'ok' as const }], a: [{ result: 'ok' as const }] },
    threads: { main: { alive: true as const, mode: 'filter' as const, nnp: true, filters: ['F'] }, b: { alive: false as const }, a: { alive: true as const, mode: 'disabled' as const, nnp: false, filters: [] } },
  };
  t.deepEqual(grade(s, r), { expect: 'interesting', desc: 'won', rule: 0 });
  t.is(renderOutcome(s, r), 'main=ok a=ok | a=disabled b=exited main=filter[F],nnp');
  const strict = parseConcurrentText(doc({ outcomes: [{ match: { actors: { main: [{ result: 'error' }] } }, expect: 'acceptable' }] }));
  t.is(grade(strict, r).expect, 'forbidden');
  t.is(grade(parseConcurrentText(doc({})), r).expect, 'acceptable');
});

test('the guard map names a guard for every field of the model records', (t) => {
  const fields = (f: Record<string, number>) => Object.keys(f).filter((k) => k !== 'SIZE').sort();
  t.deepEqual(Object.keys(TASK_GUARDS).sort(), fields(TASK));
  t.deepEqual(Object.keys(GROUP_GUARDS).sort(), fields(GROUP));
  t.deepEqual(Object.keys(NODE_GUARDS).sort(), fields(NODE));
  t.deepEqual(Object.keys(ALLOC_GUARDS).sort(), fields(ALLOC));
});

test('schedule strings round-trip; a mangled one is one UsageError line', (t) => {
  const s = { workload: 'f=0123456789ab', design: 'merged', bug: 'clone-copy-early', scope: 'siglock', seed: 7, steps: 99, hash: 0xdeadbeef, failure: 'escape', deviations: [{ step: 3, actor: 1 }, { step: 200, actor: 0 }, { step: 201, actor: 2 }], grantLocks: false };
  t.deepEqual(decodeSchedule(encodeSchedule(s)), s);
  t.deepEqual(decodeSchedule(encodeSchedule({ ...s, grantLocks: true })), { ...s, grantLocks: true });
  // a schedule printed before lock code was explored (no lc= field) replays with the scheduler granting locks
  t.true(decodeSchedule(encodeSchedule(s).replace(':lc=real', '')).grantLocks);
  for (const bad of ['', 'ts2:x', 'ts1:f=1:d=merged', 'ts1:f=1:d=m:b=-:sc=s:s=x:n=1:h=0:v=-:c='])
    t.true(t.throws(() => decodeSchedule(bad)) instanceof UsageError, bad);
});

test('explore --json prints exactly the contract; replay --json reproduces it', async (t) => {
  const r = await cli(['explore', CLONE, '--bug', 'clone-copy-early', '--seed', '1', '--json']);
  t.is(r.code, 1, r.stderr);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  t.deepEqual(Object.keys(j), ['found', 'schedule', 'minimal', 'iterations', 'elapsedMs', 'violation', 'exhaustive', 'traces', 'sleepBlocked', 'lockCode']);
  t.true(j.found as boolean);
  const rep = await cli(['replay', CLONE, j.minimal as string, '--json']);
  t.is(rep.code, 0, rep.stderr);
  const k = JSON.parse(rep.stdout) as Record<string, unknown>;
  t.deepEqual(Object.keys(k), ['reproduced', 'violation']);
  t.true(k.reproduced as boolean);
  // the same schedule on the correct model: not reproduced
  t.is((await cli(['replay', CLONE, j.minimal as string, '--bug', 'none', '--json'])).code, 1);
});

test('explore prints the schedule, the table and the minimal schedule; a clean run its count', async (t) => {
  const r = await cli(['explore', CLONE, '--bug', 'clone-copy-early', '--strategy', 'pct', '--seed', '1']);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stdout, /^found after \d+ schedule\(s\)/m);
  t.regex(r.stdout, /^search: pct depth 3 \(seed 1\): n=2 actors, k=\d+ steps measured, per-run bound 1\/\(n·k\^\(d-1\)\) = \d/m);
  t.regex(r.stdout, /^schedule \(\d+ preemption\(s\), \d+ steps\): ts1:/m);
  t.regex(r.stdout, /^step +\| main +\| a/m);
  t.regex(r.stdout, /^minimal schedule: ts1:/m);
  t.regex(r.stdout, /^replay it: npx tsync-lab replay /m);
  const clean = await cli(['explore', CLONE, '--preemptions', '1']);
  t.is(clean.code, 0, clean.stderr);
  t.regex(clean.stdout, /dfs, at most 1 preemption\(s\): \d+ schedule\(s\), exhaustive within the bound/);
});

test('bad input: one line, exit 2', async (t) => {
  for (const args of [
    ['explore', CLONE, '--strategy', 'bfs'],
    ['explore', CLONE, '--lock', 'siglock=native'],
    ['explore', CLONE, '--design', 'separate-sync'],
    ['explore', '--bug', 'racy-siglock', '--grant-locks'],
    ['explore', 'no/such.json'],
    ['replay', CLONE, 'ts1:nope'],
    ['replay', 'ts1:f=000000000000:d=merged:b=-:sc=siglock:s=1:n=1:h=0:v=-:c='],
  ]) {
    const r = await cli(args);
    t.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    t.notRegex(r.stderr, /\n\s+at /);
  }
});
