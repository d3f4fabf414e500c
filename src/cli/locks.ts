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
import { formatProve, formatReplay, proveLock, replaySchedule, PROVE_DEFAULTS } from '../explore/prove/prove.ts';

export const help = `usage: tsync-lab locks [--kinds LIST] [--runs N] [--ms N] [--pairs N] [--json FILE]
       tsync-lab locks --check ./my-lock.mjs [--json FILE]
       tsync-lab locks --prove KIND|./my-lock.mjs [--threads N] [--acquisitions K] [--json] [--schedule S]

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

  --prove LOCK   instead of benchmarking, model-check a lock (a built-in kind but native, or a
                 module) by itself: N actors each take and release it K times (rw kinds: a read/write
                 mix), every Atomics operation and plain access a step, explored by DPOR (one
                 execution per Mazurkiewicz trace). Checks mutual exclusion, reader-writer exclusion
                 (rw kinds), deadlock freedom, no lost wake-up, FIFO (fair kinds: static fair = true;
                 ticket, mcs) and no data race. A broken property prints its minimal schedule and the
                 interleaving table. Deterministic: no clock, no randomness.
  --threads N        --prove: actors (1..4, default ${PROVE_DEFAULTS.threads})
  --acquisitions K   --prove: acquisitions per actor (1..9, default ${PROVE_DEFAULTS.acquisitions})
  --max-executions N --prove: a bound on executions (default ${PROVE_DEFAULTS.maxExecutions}); the output says when it cut the search
  --schedule S       --prove: replay one schedule (as printed, e.g. 2x2:00011101) and print its table
  --json             --prove: print the report as JSON on stdout instead of the console form

exit: 0 ok (--check/--prove: every applicable property holds), 1 --check/--prove: a property is
broken (--check: or could not be established), 2 bad input (a bad lock module: one line)

example:
  npx tsync-lab locks --runs 3 --json locks.json
  npx tsync-lab locks --kinds ttas,ticket,./my-lock.mjs --runs 3
  npx tsync-lab locks --check ./my-lock.mjs
  npx tsync-lab locks --prove ticket --threads 3
  npx tsync-lab locks --prove ./my-lock.mjs --json
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
  // --prove --json prints to stdout: a bare --json (last, or before another flag) takes no file
  if (argv.some((a) => a === '--prove' || a.startsWith('--prove=')))
    argv = argv.map((a, i) => (a === '--json' && (i === argv.length - 1 || argv[i + 1]!.startsWith('--')) ? '--json=' : a));
  const { values } = parseArgs({
    args: argv,
    options: {
      kinds: { type: 'string' },
      runs: { type: 'string' },
      ms: { type: 'string' },
      pairs: { type: 'string' },
      json: { type: 'string' },
      check: { type: 'string' },
      prove: { type: 'string' },
      threads: { type: 'string' },
      acquisitions: { type: 'string' },
      'max-executions': { type: 'string' },
      schedule: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.prove !== undefined) return runProve(values);
  for (const f of ['threads', 'acquisitions', 'max-executions', 'schedule'] as const)
    if (values[f] !== undefined) throw new UsageError(`--${f} is for --prove`);
  if (values.check !== undefined) {
    if (values.json === '') throw new UsageError('--json needs a file name');
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

interface ProveFlags {
  prove?: string;
  kinds?: string;
  check?: string;
  runs?: string;
  ms?: string;
  pairs?: string;
  json?: string;
  threads?: string;
  acquisitions?: string;
  'max-executions'?: string;
  schedule?: string;
}

/** locks --prove: the report (console or --json on stdout); exit 0 every applicable property holds, 1 one is broken. */
async function runProve(values: ProveFlags): Promise<number> {
  const spec = values.prove!;
  if (spec === '') throw new UsageError('--prove needs a lock kind or a lock module path');
  for (const f of ['kinds', 'check', 'runs', 'ms', 'pairs'] as const) if (values[f] !== undefined) throw new UsageError(`--${f} does not go with --prove`);
  if (values.json !== undefined && values.json !== '') {
    throw new UsageError('--prove --json prints to stdout and takes no file name (redirect it: > report.json)');
  }
  const json = values.json !== undefined;
  const threads = values.threads === undefined ? undefined : intFlag('threads', values.threads, PROVE_DEFAULTS.threads, 1, 4);
  const acquisitions = values.acquisitions === undefined ? undefined : intFlag('acquisitions', values.acquisitions, PROVE_DEFAULTS.acquisitions, 1, 9);
  if (values.schedule !== undefined) {
    const r = await replaySchedule(spec, values.schedule, { threads, acquisitions });
    if (json) process.stdout.write(JSON.stringify({ lock: r.lock, schedule: r.schedule, replays: r.error === null, error: r.error, findings: r.findings.map((f) => ({ property: f.property, detail: f.detail })) }, null, 2) + '\n');
    else process.stdout.write(formatReplay(r, threads ?? 0));
    if (r.error !== null) throw new UsageError(`--schedule ${values.schedule}: ${r.error}`);
    return r.findings.length > 0 ? 1 : 0;
  }
  const maxExecutions = intFlag('max-executions', values['max-executions'], PROVE_DEFAULTS.maxExecutions, 1, 100_000_000);
  const r = await proveLock(spec, { threads, acquisitions, maxExecutions, onProgress: (msg) => process.stderr.write(`locks --prove: ${msg}\n`) });
  if (json) {
    // the contract's `properties` are its five; data races are an added key of the same shape
    const { lock, threads: t, acquisitions: k, exhaustive, traces, elapsedMs, blocked, sleepBlocked, cutBy } = r;
    const properties = r.properties.filter((p) => p.property !== 'no data race');
    const dataRace = r.properties.find((p) => p.property === 'no data race') ?? null;
    process.stdout.write(JSON.stringify({ lock, threads: t, acquisitions: k, exhaustive, traces, elapsedMs, properties, blocked, sleepBlocked, cutBy, dataRace }, null, 2) + '\n');
  } else process.stdout.write(formatProve(r));
  return r.properties.some((p) => p.status === 'broken') ? 1 : 0;
}
