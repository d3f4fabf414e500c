/**
 * The one world parser (src/seccomp/world-flags.ts): every command reads --design,
 * --bug, --scope and --lock through it, so a bad value is the same one line, exit 2,
 * whichever command is given it.
 */
import test from 'ava';
import { designFor, parseWorldFlags } from '../src/seccomp/world-flags.ts';
import { DEFAULT_LOCK_PLAN } from '../src/locks/kinds.ts';
import { runInProcess } from './helpers/cli-inproc.ts';

test('parseWorldFlags: defaults, the names checked, a bug checked against the design given', (t) => {
  t.deepEqual(parseWorldFlags({}), { design: null, bug: null, scope: 'siglock', plan: DEFAULT_LOCK_PLAN });
  const w = parseWorldFlags({ design: 'separate-sync', scope: 'threadgroup', lock: ['siglock=mcs'] }, { bug: null });
  t.like(w, { design: 'separate-sync', scope: 'threadgroup', plan: { ...DEFAULT_LOCK_PLAN, siglock: 'mcs' } });
  t.is(parseWorldFlags({}, { design: 'merged', bug: 'partial-tsync' }).bug?.name, 'partial-tsync');
  t.throws(() => parseWorldFlags({ design: 'separate-sync', bug: 'partial-tsync' }), { name: 'UsageError', message: /has no code in design "separate-sync"/ });
  t.throws(() => parseWorldFlags({ lock: ['siglock=native'] }, { command: 'explore', noNative: 'cannot be stepped' }), { message: 'explore: lock kind "native" (siglock) cannot be stepped' });
  t.notThrows(() => parseWorldFlags({ lock: ['siglock=native'] }), 'a command that runs native says nothing');
});

test("designFor: --design, else the file's first design, else merged; null when the file does not apply", (t) => {
  t.is(designFor(parseWorldFlags({})), 'merged');
  t.is(designFor(parseWorldFlags({}), ['force-compose', 'merged']), 'force-compose');
  t.is(designFor(parseWorldFlags({ design: 'merged' }), ['force-compose', 'merged']), 'merged');
  t.is(designFor(parseWorldFlags({ design: 'separate-sync' }), ['merged']), null);
  // a bug is checked against the design the file gets
  t.throws(() => designFor(parseWorldFlags({ bug: 'partial-tsync' }), ['separate-sync']), { message: /has no code in design "separate-sync"/ });
});

const COMMANDS: string[][] = [
  ['stress', '--duration', '1ms'],
  ['explore'],
  ['litmus', 'test/concurrent/tsync_vs_clone.json'],
  ['scenario', 'test/scenarios/two_siblings_with_one_divergence.json'],
  ['diff', 'test/scenarios/two_siblings_with_one_divergence.json'],
];

// serial: the in-process CLI captures stdout and stderr for one command at a time
for (const [flag, value, line] of [
  ['--design', 'nope', /^tsync-lab: unknown design "nope"; designs: merged, separate-sync, force-compose\n$/],
  ['--bug', 'nope', /^tsync-lab: unknown bug "nope"; bugs: /],
] as const)
  test.serial(`${flag} ${value}: the same one line and exit 2 from every command`, async (t) => {
    for (const argv of COMMANDS) {
      const r = await runInProcess([...argv, flag, value], 30_000);
      if (r === 'hang') return t.fail(`${argv[0]} hung`);
      t.is(r.code, 2, argv[0]);
      t.regex(r.stderr, line, argv[0]);
    }
  });
