/**
 * `tsync-lab locks`: bad flags exit 2 with one line; a tiny run (native included,
 * through the --harmony-struct child) writes the JSON contract other tools read.
 */
import test from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.ts';

const BAD: string[][] = [
  ['--kinds', 'nope'],
  ['--kinds', 'tas,broken'],
  ['--runs', '0'],
  ['--runs', 'many'],
  ['--ms', '5'],
  ['--pairs', '1e9'],
  ['--json', ''],
  ['--bogus'],
  ['extra-positional'],
];

for (const args of BAD) {
  test(`locks ${args.join(' ')}: exit 2, one line`, async (t) => {
    const r = await cli(['locks', ...args]);
    t.is(r.code, 2);
    t.is(r.stdout, '');
    t.regex(r.stderr, /^tsync-lab: [^\n]+\n$/);
  });
}

test('locks --kinds nope names the kinds', async (t) => {
  const r = await cli(['locks', '--kinds', 'nope']);
  t.is(r.stderr, 'tsync-lab: unknown lock kind "nope"; kinds: tas, ttas, ticket, mcs, rw, futex, adaptive, native, or a lock module ./path/lock.mjs\n');
});

test.serial('locks: a tiny run prints the table and writes the JSON rows', async (t) => {
  t.timeout(300_000);
  const dir = await mkdtemp(join(tmpdir(), 'tsync-locks-'));
  try {
    const file = join(dir, 'locks.json');
    const r = await cli(['locks', '--kinds', 'tas,native', '--runs', '1', '--ms', '20', '--pairs', '1000', '--json', file]);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, /floor: compareExchange \+ store/);
    t.regex(r.stdout, /ping-pong/);
    t.regex(r.stdout, /Seam\.withLock hook null/);
    const rows = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>[];
    t.deepEqual(
      rows.map((x) => x.kind),
      ['tas', 'native'],
    );
    for (const row of rows) {
      t.is(row.workers, 2);
      for (const k of ['uncontendedNsPerPair', 'contendedOpsPerSec', 'fairness', 'ratioToNative']) t.is(typeof row[k], 'number', k);
    }
    // The native row's ratio is 1 by construction; the relation is checked on the other row.
    const nativeRow = rows.find((x) => x.kind === 'native')!;
    const tas = rows.find((x) => x.kind === 'tas')!;
    const ratio = tas.ratioToNative as number;
    t.true(Number.isFinite(ratio) && ratio > 0, `tas ratioToNative ${ratio}`);
    const expected = (tas.floorRatio as number) / (nativeRow.floorRatio as number);
    t.true(Math.abs(ratio - expected) <= 1e-9 * Math.max(1, expected), `tas ratioToNative ${ratio} = floorRatio / native floorRatio ${expected}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
