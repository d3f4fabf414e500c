/**
 * The experiment result from its cells' runs: each cell's summary and the
 * per-axis tables are pure functions of the runs, so a whole run and a merge of
 * shards (src/cli/merge.ts) build their results the same way, and agree exactly.
 */
import type { Axis } from './axes.ts';
import type { ShardInfo } from './shard.ts';
import { summarizeCell, byAxis } from './summary.ts';
import { EXPERIMENT_VERSION, type CellResult, type ExperimentResult } from './types.ts';

export interface ResultMeta {
  createdAt: string;
  command: string;
  preset: string | null;
  baseSeed: number;
  repeat: number;
  durationMs: number;
  host: ExperimentResult['host'];
  axes: Axis[];
  elapsedMs: number;
  interrupted: boolean;
  shard?: ShardInfo;
}

/** cells in matrix order, each summary recomputed from its runs */
export function assembleResult(meta: ResultMeta, cells: Omit<CellResult, 'summary'>[]): ExperimentResult {
  const full: CellResult[] = [...cells].sort((a, b) => a.index - b.index).map((c) => ({ ...c, runs: [...c.runs].sort((x, y) => x.repeat - y.repeat), summary: summarizeCell(c.runs, c.config.design) }));
  const statuses = full.map((c) => c.summary.status);
  const result: ExperimentResult = {
    version: EXPERIMENT_VERSION,
    createdAt: meta.createdAt,
    command: meta.command,
    preset: meta.preset,
    baseSeed: meta.baseSeed,
    repeat: meta.repeat,
    durationMs: meta.durationMs,
    host: meta.host,
    axes: meta.axes,
    cells: full,
    byAxis: byAxis(meta.axes, full),
    elapsedMs: meta.elapsedMs,
    interrupted: meta.interrupted,
    exitCode: statuses.includes('crashed') ? 3 : statuses.includes('violations') ? 1 : 0,
  };
  if (meta.shard) result.shard = meta.shard;
  return result;
}
