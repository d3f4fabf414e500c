/**
 * `experiment`'s flags turned into a plan: presets and axes merged, the matrix
 * planned and validated, the shard selected, user lock modules loaded. Shared
 * by the command (src/cli/experiment.ts) and the library (src/api/experiment.ts),
 * so that both accept and refuse exactly the same flags.
 */
import { UsageError } from '../shared/usage-error.ts';
import { stressConfigFrom, wantsNative } from '../stress/options.ts';
import { randomSeed } from '../shared/rng.ts';
import { checkOutputFlag, intFlag, parseDuration } from '../shared/flags.ts';
import { preloadUserLocks } from '../locks/user.ts';
import { parseVary, mergeAxes, type Axis, type CellValues } from './axes.ts';
import { findPreset } from './presets.ts';
import { planCells, replayCommand, type CellPlan } from './matrix.ts';
import { parseShard, selectShard, type ShardInfo } from './shard.ts';
import type { ExperimentPlan } from './run.ts';

export const DEFAULT_DURATION = '3s';
export const DEFAULT_REPEAT = 3;

export const EXPERIMENT_OPTIONS = {
  vary: { type: 'string', multiple: true },
  preset: { type: 'string' },
  duration: { type: 'string' },
  repeat: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'string' },
  html: { type: 'string' },
  junit: { type: 'string' },
  quiet: { type: 'boolean', default: false },
  shard: { type: 'string' },
  design: { type: 'string' },
  scope: { type: 'string' },
  workers: { type: 'string' },
  groups: { type: 'string' },
  threads: { type: 'string' },
  mix: { type: 'string' },
  lock: { type: 'string', multiple: true },
  noise: { type: 'string' },
  'max-depth': { type: 'string' },
  bug: { type: 'string' },
} as const;

export type ExperimentValues = { [K in keyof typeof EXPERIMENT_OPTIONS]?: (typeof EXPERIMENT_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof EXPERIMENT_OPTIONS)[K] extends { type: 'boolean' } ? boolean : string };

/** the base flags passed through to every cell's stress config */
const PASS_THROUGH = ['design', 'scope', 'workers', 'groups', 'threads', 'mix', 'lock', 'noise', 'max-depth', 'bug'] as const;

/** An output file's folder must exist now, not after minutes of running. */
const checkOutput = checkOutputFlag;

export interface PreparedExperiment {
  plan: ExperimentPlan;
  /** every cell of the full matrix (plan.cells is the shard's, when sharded) */
  planned: CellPlan[];
  shard: ShardInfo | null;
  /** some cell uses the native lock kind (needs node --harmony-struct) */
  native: boolean;
}

export async function prepareExperiment(values: ExperimentValues, command: string): Promise<PreparedExperiment> {
  const preset = values.preset !== undefined ? findPreset(values.preset) : null;
  const userAxes: Axis[] = (values.vary ?? []).map(parseVary);
  const twice = userAxes.find((a, i) => userAxes.findIndex((b) => b.name === a.name) !== i);
  if (twice) throw new UsageError(`--vary ${twice.name} given twice; list all its values in one --vary`);
  const axes = mergeAxes(preset?.vary ?? [], userAxes);
  const duration = values.duration ?? preset?.duration ?? DEFAULT_DURATION;
  const durationMs = parseDuration('duration', duration);
  const repeat = intFlag('repeat', values.repeat, preset?.repeat ?? DEFAULT_REPEAT, 1, 100);
  const baseSeed = intFlag('seed', values.seed, randomSeed(), 0, 0xffffffff);
  checkOutput('json', values.json);
  checkOutput('html', values.html);
  checkOutput('junit', values.junit);

  const base: CellValues = { ...(preset?.base ?? {}), duration };
  for (const k of PASS_THROUGH) {
    const v = values[k];
    if (v === undefined) continue;
    if (k === 'lock') base.lock = [...(base.lock ?? []), ...(v as string[])];
    else base[k] = v as string;
  }
  // A base flag that an axis overrides in every cell is still the user's input: a bad
  // value is bad input, not silently unused (each is checked alone, on the defaults).
  for (const k of ['design', 'scope', 'workers', 'groups', 'threads', 'mix'] as const) {
    const v = values[k];
    if (v !== undefined && axes.some((a) => a.name === k)) stressConfigFrom({ duration: '1s', [k]: v });
  }
  const planned = planCells(axes, base);
  const spec = values.shard !== undefined ? parseShard(values.shard) : null;
  if (spec && values.seed === undefined) throw new UsageError('--shard needs --seed N: every shard must derive the same seeds');
  const shard = spec ? selectShard(planned, spec, { axes, cells: planned.map((c) => replayCommand(c.values, duration)), repeat, durationMs, baseSeed, preset: preset?.name ?? null }) : null;
  const cells = shard ? shard.cells : planned;
  await preloadUserLocks(planned.flatMap((c) => Object.values(c.config.locks))); // bad lock modules fail before any run
  return {
    plan: { command, preset: preset?.name ?? null, axes, cells, repeat, duration, durationMs, baseSeed, ...(shard ? { shard: shard.info } : {}) },
    planned,
    shard: shard?.info ?? null,
    native: cells.some((c) => wantsNative(c.config)),
  };
}
