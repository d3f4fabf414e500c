/**
 * The litmus command as a user runs it: --help, one-line errors with exit 2, the JSON
 * contract, the seed line, directory runs that skip files by their designs, exit 1 on
 * a seeded bug, SIGINT still printing the histogram.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, cli } from './helpers/cli.ts';
import { tmpFolder } from './helpers/tmp.ts';

const DIR = fileURLToPath(new URL('concurrent/', import.meta.url));
const CLONE = join(DIR, 'tsync_vs_clone.json');

test('--help describes the command and exits 0', async (t) => {
  const r = await cli(['litmus', '--help']);
  t.is(r.code, 0);
  t.regex(r.stdout, /usage: tsync-lab litmus FILE\|DIR/);
  t.regex(r.stdout, /--duration/);
  const top = await cli(['--help']);
  t.regex(top.stdout, /litmus/);
});

const tmp = tmpFolder('litmus-cli-');
const badFile = join(tmp, 'bad.json');
writeFileSync(badFile, JSON.stringify({ threads: ['main'], actors: { zed: [{ op: 'exit' }] } }));

const BAD: [string, string[], RegExp][] = [
  ['no FILE', [], /expected one FILE or DIR/],
  ['missing file', [join(tmp, 'nope.json')], /cannot read \(ENOENT\)/],
  ['bad file names its JSON path', [badFile], /\$\.actors\.zed: unknown thread "zed"/],
  ['bad duration', [CLONE, '--duration', 'soon'], /--duration: bad duration/],
  ['unknown design', [CLONE, '--design', 'linus'], /unknown design/],
  ['unknown bug', [CLONE, '--bug', 'nope'], /unknown bug "nope"/],
  ['bad lock', [CLONE, '--lock', 'siglock=spin'], /unknown lock kind/],
  ['native refused', [CLONE, '--lock', 'siglock=native'], /native.*not supported by litmus/],
  ['bad seed', [CLONE, '--seed', 'x'], /--seed must be an integer/],
];

for (const [name, args, re] of BAD)
  test(`bad input, exit 2 with one line: ${name}`, async (t) => {
    const r = await cli(['litmus', ...args]);
    t.is(r.code, 2, r.stderr);
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    t.regex(r.stderr, re);
    t.notRegex(r.stderr, /at .*\.ts:\d+/);
  });

test.serial('--json prints exactly the contract; the seed line is printed; exit 0 on a clean file', async (t) => {
  t.timeout(300_000);
  const r = await cli(['litmus', CLONE, '--duration', '300ms', '--seed', '42', '--max-stride', '256', '--json']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /seed 42/);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  t.deepEqual(Object.keys(j), ['samples', 'samplesPerSecond', 'stride', 'durationMs', 'seed', 'outcomes', 'violations', 'timing']);
  t.is(j.seed, 42);
  // timing: the figures depend on the machine's load, so only their shape is checked
  const timing = j.timing as Record<string, unknown>;
  t.deepEqual(Object.keys(timing), ['measured', 'overlapPct', 'startSpreadUs', 'racing', 'note']);
  t.true(Number.isInteger(timing.measured) && (timing.measured as number) >= 0);
  t.true((timing.overlapPct as number) >= 0 && (timing.overlapPct as number) <= 100);
  t.true((timing.startSpreadUs as number) >= 0);
  t.is(typeof timing.racing, 'boolean');
  t.is(timing.racing ? timing.note : typeof timing.note, timing.racing ? null : 'string');
  t.true((j.samples as number) > 0);
  t.true([64, 256].includes(Number(j.stride)));
  const outcomes = j.outcomes as Record<string, unknown>[];
  t.true(outcomes.length >= 1);
  for (const o of outcomes) t.deepEqual(Object.keys(o), ['outcome', 'count', 'expect', 'desc']);
  t.is(outcomes.reduce((x: number, o) => x + Number(o.count), 0), Number(j.samples));
  t.deepEqual(j.violations, []);
});

test.serial('a directory runs every file; files whose designs exclude the design are skipped with a line', async (t) => {
  t.timeout(300_000);
  const r = await cli(['litmus', DIR, '--design', 'separate-sync', '--duration', '150ms', '--max-stride', '256']);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stderr, /tsync_vs_clone\.json: skipped: applies to merged, force-compose, not separate-sync/);
  t.regex(r.stdout, /sync_vs_clone \(/);
  t.regex(r.stdout, /sync_vs_sibling_attach \(/);
  t.regex(r.stdout, /samples\/s, stride \d+/);
  t.regex(r.stdout, /count\s+freq\s+grade\s+outcome\s+desc/);
});

test.serial('a seeded bug the file targets: exit 1, the violation printed in full', async (t) => {
  t.timeout(300_000);
  const r = await cli(['litmus', CLONE, '--bug', 'clone-copy-early', '--duration', '3s', '--max-stride', '1024']);
  t.is(r.code, 1, r.stdout + r.stderr);
  t.regex(r.stdout, /VIOLATION (escape|inheritance|mode-head|filter-count)|FAIL: [1-9]/);
});

test.serial('SIGINT stops the run and still prints what was counted', async (t) => {
  t.timeout(300_000);
  const child = spawn(process.execPath, [BIN, 'litmus', CLONE, '--duration', '60s', '--max-stride', '256'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const progressed = new Promise<void>((resolve) =>
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      // a progress line that counted samples: rounds have run (the first lines may come
      // while the workers start or the stride is measured, with nothing counted yet)
      if (/[1-9][\d,]* samples, /.test(err)) resolve();
    }),
  );
  const code = await new Promise<number | null>((resolve) => {
    child.on('exit', (c) => resolve(c));
    void progressed.then(() => child.kill('SIGINT'));
  });
  t.is(code, 0, err);
  t.regex(err, /interrupted/);
  t.regex(out, /— interrupted/);
  t.regex(out, /acceptable\s+main=ok a=ok/);
});
