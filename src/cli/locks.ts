/**
 * `tsync-lab locks` (npm run bench:locks): the lock benchmark. A benchmark, not a
 * test: it reports what it measures. The native kind (the default includes it) is
 * measured in the same run by a child node started with --harmony-struct
 * (src/workers/reexec.ts); everything else runs in this process, without the flag.
 */
import { parseArgs } from 'node:util';
import { rename, writeFile } from 'node:fs/promises';
import { LOCK_KINDS, parseLockKind, type LockKind } from '../locks/kinds.ts';
import { UsageError } from '../shared/usage-error.ts';
import { DEFAULT_BENCH, runLockBench, type BenchOptions } from '../bench/lock-bench.ts';
import { formatLockBench } from '../bench/lock-report.ts';
import { intFlag } from '../shared/flags.ts';
import { checkUserLock, formatLockCheck } from '../lock-lab/check.ts';
import { preloadUserLocks } from '../locks/user.ts';

export const help = `usage: tsync-lab locks [--kinds LIST] [--runs N] [--ms N] [--pairs N] [--json FILE]
       tsync-lab locks --check ./my-lock.mjs [--json FILE]

Benchmarks every lock kind on real worker threads: uncontended acquire+release ns
(1 worker), 2-worker contended acquisitions/s with a tiny critical section and
fairness (min/max per-worker share), each kind's ratio to V8's Atomics.Mutex
(native), plus the engine floor (compareExchange + store), a cache-line ping-pong
between two workers and the seam's overhead. Medians of N runs. Progress goes to
stderr. Native is measured by a child node started with --harmony-struct.

  --kinds LIST   comma-separated kinds (default all: ${LOCK_KINDS.join(',')}); a lock module
                 (./path/lock.mjs or .ts, contract in docs/locks.md) is benchmarked beside them
  --runs N       runs per figure, medians reported (1..99, default ${DEFAULT_BENCH.runs})
  --ms N         length of each contended run, ms (10..60000, default ${DEFAULT_BENCH.ms})
  --pairs N      uncontended pairs per run (1000..100000000, default ${DEFAULT_BENCH.pairs})
  --json FILE    also write the rows as a JSON array (kind, workers,
                 uncontendedNsPerPair, contendedOpsPerSec, fairness, ratioToNative, ...)
  --check FILE   instead of benchmarking, check a lock module on real threads and print which
                 properties hold: mutual exclusion; reader-writer exclusion (rw kinds); FIFO (kinds
                 with static fair = true); no lost wake-up. Every scenario is bounded (10 s).

exit: 0 ok (--check: every applicable property holds), 1 --check: a property is broken
or could not be established, 2 bad input (a bad lock module: one line)

example:
  npx tsync-lab locks --runs 3 --json locks.json
  npx tsync-lab locks --kinds ttas,ticket,./my-lock.mjs --runs 3
  npx tsync-lab locks --check ./my-lock.mjs
`;

function parseKinds(raw: string | undefined): LockKind[] {
  if (raw === undefined) return [...LOCK_KINDS];
  const kinds = raw.split(',').map((k) => parseLockKind(k.trim()));
  return [...new Set(kinds)];
}

/** Write via a temporary file and rename, so readers never see a half-written file. */
async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n');
  await rename(tmp, file);
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kinds: { type: 'string' },
      runs: { type: 'string' },
      ms: { type: 'string' },
      pairs: { type: 'string' },
      json: { type: 'string' },
      check: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.check !== undefined) {
    if (values.kinds !== undefined) throw new UsageError('--check takes one lock module; --kinds is for the benchmark');
    const report = await checkUserLock(values.check, { onProgress: (msg) => process.stderr.write(`locks --check: ${msg}\n`) });
    process.stdout.write(formatLockCheck(report));
    if (values.json !== undefined) await writeJsonAtomically(values.json, report);
    return report.ok ? 0 : 1;
  }
  const kinds = parseKinds(values.kinds);
  await preloadUserLocks(kinds); // a bad lock module: one line before anything runs
  const opts: BenchOptions = {
    ...DEFAULT_BENCH,
    kinds,
    runs: intFlag('runs', values.runs, DEFAULT_BENCH.runs, 1, 99),
    ms: intFlag('ms', values.ms, DEFAULT_BENCH.ms, 10, 60_000),
    pairs: intFlag('pairs', values.pairs, DEFAULT_BENCH.pairs, 1000, 100_000_000),
  };
  if (values.json === '') throw new UsageError('--json needs a file name');
  const t0 = performance.now();
  const report = await runLockBench(opts, (msg) => process.stderr.write(`locks: ${msg}\n`));
  process.stderr.write(`locks: done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  if (kinds.includes('native') && !report.rows.some((r) => r.kind === 'native'))
    process.stderr.write('locks: native could not be measured (see above); no ratios to it\n');
  process.stdout.write(formatLockBench(report));
  if (values.json !== undefined) await writeJsonAtomically(values.json, report.rows);
  return 0;
}
