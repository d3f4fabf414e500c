/**
 * Merging shard results (`experiment --shard I/N --json …`) into the result of
 * the whole matrix. Cells are taken whole from their shard (each cell ran on one
 * machine); summaries and per-axis tables are recomputed from the runs, and the
 * cells' HDR latency histograms are added exactly, as in an unsharded run.
 * Refuses, with one line, files that are not shards, shards of different
 * matrices, overlapping shards and incomplete sets.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { UsageError } from '../shared/usage-error.ts';
import { assembleResult } from './assemble.ts';
import { runSeed } from './matrix.ts';
import { experimentSchema } from './schema.ts';
import type { ExperimentResult } from './types.ts';

export interface ShardFile {
  file: string;
  result: ExperimentResult;
}

let validator: ReturnType<Ajv['compile']> | null = null;

/** Read and validate one shard file; a one-line UsageError if it is not an experiment result. */
export function readShardFile(file: string): ShardFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`merge: cannot read "${file}": ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`merge: "${file}" is not JSON`);
  }
  validator ??= new Ajv({ strict: true, allErrors: false }).compile(experimentSchema);
  if (!validator(value)) {
    const e = validator.errors?.[0];
    throw new UsageError(`merge: "${file}" is not an experiment result (${e ? `${e.instancePath || '/'} ${e.message ?? ''}` : 'schema'})`);
  }
  return { file, result: value as ExperimentResult };
}

export function mergeShards(parts: ShardFile[], command: string): ExperimentResult {
  if (!parts.length) throw new UsageError('merge: give the shard files to merge (see --help)');
  for (const p of parts) if (!p.result.shard) throw new UsageError(`merge: "${p.file}" is not a shard (no "shard" key: it ran the whole matrix)`);
  const first = parts[0]!;
  const s0 = first.result.shard!;
  const owner = new Map<number, string>();
  const shardFile = new Map<number, string>();
  for (const p of parts) {
    const s = p.result.shard!;
    if (s.matrix !== s0.matrix) throw new UsageError(`merge: "${p.file}" and "${first.file}" are shards of different matrices (axes, flags, repeat, duration or seed differ)`);
    if (s.total !== s0.total) throw new UsageError(`merge: "${p.file}" is shard ${s.index}/${s.total} but "${first.file}" is ${s0.index}/${s0.total}: shard counts differ`);
    const again = shardFile.get(s.index);
    if (again !== undefined) throw new UsageError(`merge: "${again}" and "${p.file}" overlap: both are shard ${s.index}/${s.total}`);
    shardFile.set(s.index, p.file);
    for (const i of s.cells) {
      const o = owner.get(i);
      if (o !== undefined) throw new UsageError(`merge: "${o}" and "${p.file}" overlap: both ran cell #${i + 1}`);
      owner.set(i, p.file);
    }
    for (const c of p.result.cells) {
      if (!s.cells.includes(c.index)) throw new UsageError(`merge: "${p.file}" has cell #${c.index + 1}, which is not in its shard`);
      const bad = c.runs.find((r) => r.seed !== runSeed(p.result.baseSeed, c.index, r.repeat));
      if (bad) throw new UsageError(`merge: "${p.file}": cell #${c.index + 1} run ${bad.repeat + 1} has seed ${bad.seed}, not the one the matrix derives`);
    }
  }
  const missing = Array.from({ length: s0.total }, (_, i) => i + 1).filter((i) => !shardFile.has(i));
  if (missing.length) throw new UsageError(`merge: incomplete: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${s0.total}`).join(', ')} missing`);
  const x0 = first.result;
  return assembleResult(
    {
      createdAt: new Date().toISOString(),
      command,
      preset: x0.preset,
      baseSeed: x0.baseSeed,
      repeat: x0.repeat,
      durationMs: x0.durationMs,
      host: x0.host,
      axes: x0.axes,
      // the shards ran side by side: the whole took as long as the longest
      elapsedMs: Math.max(...parts.map((p) => p.result.elapsedMs)),
      interrupted: parts.some((p) => p.result.interrupted),
    },
    parts.flatMap((p) => p.result.cells.map(({ summary: _summary, ...c }) => c)),
  );
}
