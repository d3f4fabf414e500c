/**
 * The lock benchmark driver (main thread): engine figures first (floor, ping-pong,
 * raw Atomics.Mutex, seam overhead), then every kind, each in fresh worker threads so
 * the JIT sees one kind only. Reports medians of `runs` runs.
 */
import type { Piscina } from 'piscina';
import { Layout } from '../shared/layout.ts';
import type { LockKind } from '../locks/kinds.ts';
import { createNativeMutex, nativeAvailable, type NativeMutex } from '../locks/native.ts';
import { workerPool } from '../workers/pool.ts';
import { BENCH_SCRATCH_WORDS, type BenchTask, type ContendedRun, type SeamResult, type UncontendedResult } from './bench-task.ts';
import { median } from './stats.ts';

export interface BenchOptions {
  kinds: readonly LockKind[];
  runs: number;
  /** contended run length, ms */
  ms: number;
  /** uncontended pairs per run */
  pairs: number;
  /** ping-pong round trips per run */
  trips: number;
}

export const DEFAULT_BENCH: BenchOptions = {
  kinds: [],
  runs: 5,
  ms: 300,
  pairs: 1_000_000,
  trips: 200_000,
};

export interface EngineFigures {
  floorNsPerPair: number;
  pingPongOneWayNs: number;
  /** Atomics.Mutex.lock(m, empty fn) without the lab's wrapper; null without --harmony-struct */
  nativeRawNs: number | null;
  seam: { kind: 'ttas'; directNs: number; hookOffNs: number; hookOnNs: number };
}

/** One row of the table (and of `--json`; the first six fields are a contract). */
export interface KindRow {
  kind: LockKind;
  /** workers in the contended measurement (the uncontended one uses 1) */
  workers: number;
  uncontendedNsPerPair: number;
  contendedOpsPerSec: number;
  /** min/max per-worker share of acquisitions, median over runs (1 = perfectly fair) */
  fairness: number;
  /** uncontendedNsPerPair / native's (below 1: faster than Atomics.Mutex); null without native */
  ratioToNative: number | null;
  contendedRatioToNative: number | null;
  /** run(empty fn) ns: the scoped form model code uses */
  uncontendedRunNs: number;
  /** ns per acquisition under contention (1e9 / ops/s) */
  contendedNsPerAcquisition: number;
  floorRatio: number;
  /** contendedNsPerAcquisition / ping-pong one-way: 1 = every handoff at the cache-line limit */
  pingPongRatio: number;
  floorNsPerPair: number;
  pingPongOneWayNs: number;
  runs: number;
}

export interface BenchReport {
  engine: EngineFigures;
  rows: KindRow[];
  options: BenchOptions;
}

type Progress = (msg: string) => void;

function benchBuffer(): { m: Int32Array; layout: Layout; lockId: number } {
  const layout = new Layout({ workers: 2, extraLocks: 1, scratchWords: BENCH_SCRATCH_WORDS });
  return { m: layout.create(), layout, lockId: layout.extraLock(0) };
}

async function withPool<T>(threads: number, fn: (pool: Piscina) => Promise<T>): Promise<T> {
  const pool = workerPool(new URL('./bench-worker.ts', import.meta.url), threads);
  try {
    return await fn(pool);
  } finally {
    await pool.destroy();
  }
}

function run<T>(pool: Piscina, task: BenchTask): Promise<T> {
  return pool.run(task) as Promise<T>;
}

async function engineFigures(o: BenchOptions, progress: Progress): Promise<EngineFigures> {
  progress('engine floor, ping-pong and raw Atomics.Mutex');
  const { floor, ping, raw } = await withPool(2, async (pool) => {
    const b = benchBuffer();
    const floor = await run<number[]>(pool, { op: 'floor', m: b.m, pairs: o.pairs, runs: o.runs });
    const pp = { op: 'pingpong', m: b.m, trips: o.trips, runs: o.runs } as const;
    const [ping] = await Promise.all([run<number[]>(pool, { ...pp, side: 0 }), run<number[]>(pool, { ...pp, side: 1 })]);
    const raw = nativeAvailable() ? await run<number[]>(pool, { op: 'native-raw', mutex: createNativeMutex(), pairs: o.pairs, runs: o.runs }) : null;
    return { floor, ping: ping!, raw };
  });
  progress('seam overhead');
  const seam = await withPool(1, (pool) => {
    const b = benchBuffer();
    return run<SeamResult>(pool, { op: 'seam', m: b.m, lockId: b.lockId, pairs: o.pairs, runs: o.runs });
  });
  return {
    floorNsPerPair: median(floor),
    pingPongOneWayNs: median(ping),
    nativeRawNs: raw === null ? null : median(raw),
    seam: { kind: 'ttas', directNs: median(seam.directNs), hookOffNs: median(seam.hookOffNs), hookOnNs: median(seam.hookOnNs) },
  };
}

interface KindFigures {
  kind: LockKind;
  unc: UncontendedResult;
  con: ContendedRun[][];
}

async function kindFigures(kind: LockKind, o: BenchOptions, progress: Progress): Promise<KindFigures> {
  progress(`${kind}: uncontended`);
  return withPool(2, async (pool) => {
    const b = benchBuffer();
    let mutex: NativeMutex | undefined;
    if (kind === 'native') mutex = createNativeMutex();
    const common = { m: b.m, kind, lockId: b.lockId, ...(mutex ? { mutex } : {}) };
    const unc = await run<UncontendedResult>(pool, { op: 'uncontended', ...common, pairs: o.pairs, runs: o.runs });
    progress(`${kind}: 2-worker contended`);
    const con = await Promise.all(
      [0, 1].map((worker) => run<ContendedRun[]>(pool, { op: 'contended', ...common, worker, parties: 2, ms: o.ms, runs: o.runs })),
    );
    return { kind, unc, con };
  });
}

function row(f: KindFigures, e: EngineFigures, runs: number): Omit<KindRow, 'ratioToNative' | 'contendedRatioToNative'> {
  const ops: number[] = [];
  const fair: number[] = [];
  for (let r = 0; r < runs; r++) {
    const counts = f.con.map((w) => w[r]!.acquisitions);
    const total = counts.reduce((a, b) => a + b, 0);
    ops.push(total / (f.con[0]![r]!.elapsedMs / 1000));
    fair.push(Math.min(...counts) / Math.max(...counts));
  }
  const opsPerSec = median(ops);
  const unc = median(f.unc.pairNs);
  const perAcq = 1e9 / opsPerSec;
  return {
    kind: f.kind,
    workers: f.con.length,
    uncontendedNsPerPair: unc,
    contendedOpsPerSec: opsPerSec,
    fairness: median(fair),
    uncontendedRunNs: median(f.unc.runNs),
    contendedNsPerAcquisition: perAcq,
    floorRatio: unc / e.floorNsPerPair,
    pingPongRatio: perAcq / e.pingPongOneWayNs,
    floorNsPerPair: e.floorNsPerPair,
    pingPongOneWayNs: e.pingPongOneWayNs,
    runs,
  };
}

export async function runLockBench(o: BenchOptions, progress: Progress): Promise<BenchReport> {
  const engine = await engineFigures(o, progress);
  const partial = [];
  for (const kind of o.kinds) partial.push(row(await kindFigures(kind, o, progress), engine, o.runs));
  const native = partial.find((r) => r.kind === 'native');
  const rows: KindRow[] = partial.map((r) => ({
    ...r,
    ratioToNative: native ? r.uncontendedNsPerPair / native.uncontendedNsPerPair : null,
    contendedRatioToNative: native ? native.contendedOpsPerSec / r.contendedOpsPerSec : null,
  }));
  return { engine, rows, options: o };
}
