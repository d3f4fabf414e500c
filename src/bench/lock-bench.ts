/**
 * The lock benchmark driver (main thread): engine figures first (floor, ping-pong,
 * raw Atomics.Mutex, seam overhead), then every kind, each in fresh worker threads so
 * the JIT sees one kind only. Reports medians of `runs` runs.
 */
import type { WorkerPool } from '../workers/pool.ts';
import { Layout } from '../shared/layout.ts';
import type { LockKind } from '../locks/kinds.ts';
import { createNativeMutex, nativeAvailable, type NativeMutex } from '../locks/native.ts';
import { workerPool } from '../workers/pool.ts';
import { runJsonChildWithHarmonyStruct } from '../workers/reexec.ts';
import { BENCH_SCRATCH_WORDS, type BenchTask, type ContendedRun, type SeamResult, type UncontendedResult } from './bench-task.ts';
import { median } from '../shared/stats.ts';

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
  /**
   * uncontended cost relative to native's (below 1: faster than Atomics.Mutex), each
   * side as its floorRatio, i.e. normalised by the floor measured next to it: the two
   * are measured seconds apart (native in another process) and the machine drifts.
   * null without native.
   */
  ratioToNative: number | null;
  /** time per contended acquisition / native's (native's contended path polls tryLock: V8's blocking lock cannot be bounded) */
  contendedRatioToNative: number | null;
  /** run(empty fn) ns: the scoped form model code uses */
  uncontendedRunNs: number;
  /** ns per acquisition under contention (1e9 / ops/s) */
  contendedNsPerAcquisition: number;
  /** uncontendedNsPerPair / the floor measured in the same worker just before, per run; median */
  floorRatio: number;
  /** median of those floors */
  uncontendedFloorNs: number;
  /**
   * ns per contended acquisition / one-way ping-pong, per run with the ping-pong the
   * same two workers measured just before (same vCPU placement), median over runs:
   * 1 = every handoff at the cache-line limit
   */
  pingPongRatio: number;
  floorNsPerPair: number;
  /** median of the ping-pongs measured next to this kind's contended runs */
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

async function withPool<T>(threads: number, fn: (pool: WorkerPool) => Promise<T>): Promise<T> {
  const pool = await benchPool(threads);
  try {
    return await fn(pool);
  } finally {
    await pool.destroy();
  }
}

function run<T>(pool: WorkerPool, task: BenchTask): Promise<T> {
  return pool.run(task) as Promise<T>;
}

async function engineFigures(o: BenchOptions, progress: Progress): Promise<Omit<EngineFigures, 'nativeRawNs'>> {
  progress('engine floor and cache-line ping-pong');
  const { floor, ping } = await withPool(2, async (pool) => {
    const b = benchBuffer();
    const floor = await run<number[]>(pool, { op: 'floor', m: b.m, pairs: o.pairs, runs: o.runs });
    const pp = { op: 'pingpong', m: b.m, trips: o.trips, runs: o.runs } as const;
    const [ping] = await Promise.all([run<number[]>(pool, { ...pp, side: 0 }), run<number[]>(pool, { ...pp, side: 1 })]);
    return { floor, ping: ping! };
  });
  progress('seam overhead');
  const seam = await withPool(1, (pool) => {
    const b = benchBuffer();
    return run<SeamResult>(pool, { op: 'seam', m: b.m, lockId: b.lockId, pairs: o.pairs, runs: o.runs });
  });
  return {
    floorNsPerPair: median(floor),
    pingPongOneWayNs: median(ping),
    seam: { kind: 'ttas', directNs: median(seam.directNs), hookOffNs: median(seam.hookOffNs), hookOnNs: median(seam.hookOnNs) },
  };
}

/** Raw figures of one kind: per-run uncontended ns and per-worker contended runs. */
interface KindFigures {
  kind: LockKind;
  unc: UncontendedResult;
  con: ContendedRun[][];
}

/** Measure one kind on a fresh 2-worker pool (uncontended on one worker, then both contend). */
export async function measureKind(pool: WorkerPool, kind: LockKind, o: BenchOptions, progress: Progress): Promise<KindFigures> {
  progress(`${kind}: uncontended`);
  const b = benchBuffer();
  let mutex: NativeMutex | undefined;
  if (kind === 'native') mutex = createNativeMutex();
  const common = { m: b.m, kind, lockId: b.lockId, ...(mutex ? { mutex } : {}) };
  const unc = await run<UncontendedResult>(pool, { op: 'uncontended', ...common, pairs: o.pairs, runs: o.runs });
  progress(`${kind}: 2-worker contended`);
  const con = await Promise.all(
    [0, 1].map((worker) => run<ContendedRun[]>(pool, { op: 'contended', ...common, worker, parties: 2, ms: o.ms, runs: o.runs, trips: Math.max(1000, o.trips >> 3) })),
  );
  return { kind, unc, con };
}

/** Atomics.Mutex.lock(m, empty fn) ns per run (needs --harmony-struct). */
export function measureNativeRaw(pool: WorkerPool, o: BenchOptions): Promise<number[]> {
  return run<number[]>(pool, { op: 'native-raw', mutex: createNativeMutex(), pairs: o.pairs, runs: o.runs });
}

/** What native-child.ts prints: the native kind measured under --harmony-struct. */
export interface NativeFigures {
  rawNs: number[];
  figures: KindFigures;
}

/**
 * A fresh pool whose workers have all started: a worker still loading its code (tsx
 * compiling TypeScript) would share the 2 cores with the first measurements.
 */
export async function benchPool(threads: number): Promise<WorkerPool> {
  const pool = workerPool(new URL('./bench-worker.ts', import.meta.url), threads);
  const { m } = benchBuffer();
  await Promise.all(Array.from({ length: threads }, () => run(pool, { op: 'ready', m, parties: threads })));
  return pool;
}

/**
 * The native kind. In this process if it has Atomics.Mutex; otherwise in a child node
 * with --harmony-struct (native-child.ts), kept to one pool so that the flagged
 * process tears down as few workers as possible (see src/workers/reexec.ts); one retry.
 */
async function nativeFigures(o: BenchOptions, progress: Progress): Promise<NativeFigures | null> {
  if (nativeAvailable()) {
    return withPool(2, async (pool) => {
      progress('native: raw Atomics.Mutex');
      const rawNs = await measureNativeRaw(pool, o);
      return { rawNs, figures: await measureKind(pool, 'native', o, progress) };
    });
  }
  const timeoutMs = 60_000 + 4 * 1000 * (3 + (o.runs + 1) * (o.ms / 1000 + (o.pairs * 300) / 1e9));
  for (let attempt = 1; attempt <= 2; attempt++) {
    progress(`native: in a child node with --harmony-struct${attempt > 1 ? ' (retry)' : ''}`);
    const r = await runJsonChildWithHarmonyStruct(new URL('./native-child.ts', import.meta.url), [JSON.stringify(o)], { timeoutMs });
    if (r.value !== undefined) return r.value as NativeFigures;
    progress(`native: the child gave no result (exit ${r.code})`);
  }
  return null;
}

function row(f: KindFigures, e: EngineFigures, runs: number): Omit<KindRow, 'ratioToNative' | 'contendedRatioToNative'> {
  const ops: number[] = [];
  const fair: number[] = [];
  const ping: number[] = [];
  const handoff: number[] = [];
  for (let r = 0; r < runs; r++) {
    const counts = f.con.map((w) => w[r]!.acquisitions);
    const total = counts.reduce((a, b) => a + b, 0);
    const lead = f.con[0]![r]!;
    ops.push(total / (lead.elapsedMs / 1000));
    fair.push(Math.min(...counts) / Math.max(...counts));
    ping.push(lead.pingNs);
    // per run: ns per acquisition over the ping-pong measured just before it
    handoff.push((lead.elapsedMs * 1e6) / total / lead.pingNs);
  }
  const opsPerSec = median(ops);
  const unc = median(f.unc.pairNs);
  const perAcq = 1e9 / opsPerSec;
  const floorRatios = f.unc.pairNs.map((ns, r) => ns / f.unc.floorNs[r]!);
  return {
    kind: f.kind,
    workers: f.con.length,
    uncontendedNsPerPair: unc,
    contendedOpsPerSec: opsPerSec,
    fairness: median(fair),
    uncontendedRunNs: median(f.unc.runNs),
    contendedNsPerAcquisition: perAcq,
    floorRatio: median(floorRatios),
    uncontendedFloorNs: median(f.unc.floorNs),
    pingPongRatio: median(handoff),
    floorNsPerPair: e.floorNsPerPair,
    pingPongOneWayNs: median(ping),
    runs,
  };
}

export async function runLockBench(o: BenchOptions, progress: Progress): Promise<BenchReport> {
  const base = await engineFigures(o, progress);
  const native = o.kinds.includes('native') ? await nativeFigures(o, progress) : null;
  const engine: EngineFigures = { ...base, nativeRawNs: native === null ? null : median(native.rawNs) };
  const partial = [];
  for (const kind of o.kinds) {
    if (kind === 'native') {
      if (native !== null) partial.push(row(native.figures, engine, o.runs));
    } else partial.push(row(await withPool(2, (pool) => measureKind(pool, kind, o, progress)), engine, o.runs));
  }
  const nat = partial.find((r) => r.kind === 'native');
  const rows: KindRow[] = partial.map((r) => ({
    ...r,
    ratioToNative: nat ? r.floorRatio / nat.floorRatio : null,
    contendedRatioToNative: nat ? nat.contendedOpsPerSec / r.contendedOpsPerSec : null,
  }));
  return { engine, rows, options: o };
}
