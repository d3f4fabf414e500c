/**
 * Sharding a matrix over machines (`experiment --shard I/N`, then `merge`): which
 * cells each shard runs, and a fingerprint of the whole matrix so that `merge`
 * can refuse shards of different matrices. A shard keeps every cell's index in
 * the full matrix, and so the seeds it would have there (runSeed(base, index, r)).
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../shared/usage-error.ts';
import { runSeed, type CellPlan } from './matrix.ts';
import type { Axis } from './axes.ts';

/** Recorded in a shard's result (`shard` key); absent in a whole or merged result. */
export interface ShardInfo {
  /** 1-based, as given to --shard */
  index: number;
  total: number;
  /** indices (in the full matrix) of the cells this shard was given */
  cells: number[];
  /** cells of the full matrix */
  plannedCells: number;
  /** sha256 of the full matrix: axes, every cell's stress command, repeat, duration, base seed */
  matrix: string;
}

export interface ShardSpec {
  index: number;
  total: number;
}

const MAX_SHARDS = 1000;

/** `I/N` with 1 <= I <= N: a one-line UsageError otherwise. */
export function parseShard(raw: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || total > MAX_SHARDS || index < 1 || index > total) throw new UsageError(`--shard must be I/N with 1 <= I <= N <= ${MAX_SHARDS}, got "${raw}"`);
  return { index, total };
}

/**
 * The shard (1-based) of every cell: cells ordered by a hash of the base seed and
 * their index, then dealt round-robin, so shard sizes differ by at most one and
 * neighbouring cells (which share most axis values) spread over the shards.
 */
export function shardOfCells(cells: number, baseSeed: number, total: number): number[] {
  const order = Array.from({ length: cells }, (_, i) => i).sort((a, b) => runSeed(baseSeed ^ 0x5a4d, a, 0) - runSeed(baseSeed ^ 0x5a4d, b, 0) || a - b);
  const shard = new Array<number>(cells);
  order.forEach((cell, pos) => (shard[cell] = (pos % total) + 1));
  return shard;
}

export interface MatrixIdentity {
  axes: Axis[];
  /** each planned cell's replay command (the base flags and the axis values) */
  cells: string[];
  repeat: number;
  durationMs: number;
  baseSeed: number;
  preset: string | null;
}

export function matrixFingerprint(m: MatrixIdentity): string {
  return createHash('sha256').update(JSON.stringify([m.axes, m.cells, m.repeat, m.durationMs, m.baseSeed, m.preset])).digest('hex');
}

/** The cells of shard `spec` of the planned matrix, and what its result records. */
export function selectShard(cells: CellPlan[], spec: ShardSpec, identity: MatrixIdentity): { cells: CellPlan[]; info: ShardInfo } {
  const shardOf = shardOfCells(cells.length, identity.baseSeed, spec.total);
  const mine = cells.filter((c) => shardOf[c.index] === spec.index);
  return { cells: mine, info: { index: spec.index, total: spec.total, cells: mine.map((c) => c.index), plannedCells: cells.length, matrix: matrixFingerprint(identity) } };
}
