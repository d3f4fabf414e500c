/**
 * The explore and replay commands after flag parsing, shared by the CLI
 * (src/cli/explore.ts, src/cli/replay.ts) and the library (src/api/explore.ts):
 * the same checks, the same one-line UsageErrors, the same reports. Nothing here
 * prints; lines go to the `say` hook when one is given.
 */
import { UsageError } from '../shared/usage-error.ts';
import { randomSeed } from '../shared/rng.ts';
import { preloadUserLocks } from '../locks/user.ts';
import { checkOutputFlag, intFlag } from '../shared/flags.ts';
import { WORLD_OPTIONS, parseWorld, readFileArg, workloadFrom, type WorldValues } from './flags.ts';
import { explore, type ExploreReport } from './explore.ts';
import { replaySchedule, type ReplayReport } from './replay.ts';
import { decodeSchedule, type Schedule } from './schedule.ts';
import { STRATEGY_NAMES, type StrategyName } from './strategies/index.ts';
import type { World } from './session.ts';
import type { ShardSpec } from './strategies/dpor.ts';

export const EXPLORE_OPTIONS = {
  ...WORLD_OPTIONS,
  strategy: { type: 'string', default: 'dfs' },
  iterations: { type: 'string' },
  preemptions: { type: 'string' },
  depth: { type: 'string' },
  seed: { type: 'string' },
  junit: { type: 'string' },
  shard: { type: 'string' },
} as const;

export const REPLAY_OPTIONS = { ...WORLD_OPTIONS } as const;

export interface ExploreValues extends WorldValues {
  strategy?: string;
  iterations?: string;
  preemptions?: string;
  depth?: string;
  seed?: string;
  junit?: string;
  shard?: string;
}

/** `--shard I/N` (dpor only): 1 <= I <= N <= 4096. */
export function parseExploreShard(text: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || n > 4096 || i < 1 || i > n) throw new UsageError(`--shard: expected I/N with 1 <= I <= N <= 4096, got "${text}"`);
  return { index: i, count: n };
}

export interface CommandHooks {
  /** the header and the progress lines (the CLI's stderr) */
  say?: (line: string) => void;
  interrupted?: () => boolean;
}

export interface ExploreRun {
  report: ExploreReport;
  world: World;
  seed: number;
  /** what was explored: the FILE as given, or the stress workload */
  what: string;
}

/** `explore [FILE]` with parsed flags: resolves to the report (the front end writes --junit FILE: exploreSuite). */
export async function exploreCommand(values: ExploreValues, positionals: readonly string[], hooks: CommandHooks = {}): Promise<ExploreRun> {
  if (positionals.length > 1) throw new UsageError(`explore: at most one FILE, got ${positionals.length} (see --help)`);
  const strategy = values.strategy ?? 'dfs';
  if (!(STRATEGY_NAMES as readonly string[]).includes(strategy)) throw new UsageError(`--strategy: one of ${STRATEGY_NAMES.join(', ')}, got "${strategy}"`);
  checkOutputFlag('junit', values.junit);
  if (strategy === 'dpor' && values.preemptions !== undefined)
    throw new UsageError('--preemptions bounds dfs; dpor has no preemption bound (it explores every trace): drop --preemptions, or use --strategy dfs');
  if (values.shard !== undefined && strategy !== 'dpor') throw new UsageError('--shard splits a dpor search: give it with --strategy dpor');
  const shard = values.shard !== undefined ? parseExploreShard(values.shard) : null;
  const path = positionals[0];
  const file = readFileArg(path);
  const world = parseWorld(values, {}, file);
  const workload = workloadFrom(values, file);
  const seed = intFlag('seed', values.seed, randomSeed(), 0, 0x7fffffff);
  const o = {
    strategy: strategy as StrategyName,
    // dpor is meant to run to the end: no budget unless --iterations gives one
    iterations: intFlag('iterations', values.iterations, strategy === 'dpor' ? 1e9 : 100_000, 1, 1e9),
    preemptions: intFlag('preemptions', values.preemptions, 2, 0, 64),
    depth: intFlag('depth', values.depth, 3, 1, 16),
    seed,
    shard,
  };
  await preloadUserLocks(Object.values(world.plan)); // a bad lock module: one line, before anything starts
  const what = path ?? `the stress workload (${workload.header.slice(2)})`;
  const say = hooks.say;
  say?.(`tsync-lab explore ${what}: design ${world.design}${world.bug ? `, bug ${world.bug}` : ''}, strategy ${o.strategy}${shard ? ` shard ${shard.index}/${shard.count}` : ''}, seed ${seed}`);
  const report = await explore(workload, world, {
    ...o,
    ...(hooks.interrupted ? { interrupted: hooks.interrupted } : {}),
    ...(say ? { progress: (n: number, ms: number) => say(`  ${n} schedules, ${(ms / 1000).toFixed(1)} s, ${Math.round((n * 1000) / ms)}/s`) } : {}),
  });
  return { report, world, seed, what };
}

/** `--bug none`: no seeded bug */
const NO_BUG = 'none';

export interface ReplayRun {
  report: ReplayReport;
  world: World;
  schedule: Schedule;
}

/** `replay [FILE] SCHEDULE` with parsed flags. */
export async function replayCommand(values: WorldValues & { inject?: boolean }, positionals: readonly string[]): Promise<ReplayRun> {
  if (positionals.length < 1 || positionals.length > 2) throw new UsageError('replay: expected [FILE] SCHEDULE (see --help)');
  const text = positionals[positionals.length - 1]!;
  const s = decodeSchedule(text);
  const file = readFileArg(positionals.length === 2 ? positionals[0] : undefined);
  const v: WorldValues = { ...values };
  if (s.workload.startsWith('f=')) {
    if (!file) throw new UsageError(`replay: this schedule was found on a scenario file (${s.workload}): give the FILE before it`);
    if (`f=${file.hash}` !== s.workload) throw new UsageError(`replay: the schedule belongs to another file or version (${s.workload}; ${positionals[0]} has f=${file.hash})`);
  } else if (file) throw new UsageError('replay: this schedule is of the stress workload: give no FILE');
  else if (s.workload.startsWith('w=stress.')) {
    const [, t, o] = s.workload.split('.');
    v.threads = t;
    v.ops = o;
  } else if (s.workload.startsWith('w=probe.')) v.probe = s.workload.slice('w=probe.'.length);
  else throw new UsageError(`replay: unknown workload "${s.workload}"`);
  // --bug none: replay a bug's schedule on the correct model
  const asked = v.bug ?? s.bug;
  const bug = asked === NO_BUG ? null : asked;
  const world = parseWorld({ ...v, bug: undefined }, { design: s.design, bug, scope: s.scope, grantLocks: s.grantLocks }, file);
  const workload = workloadFrom(v, file);
  await preloadUserLocks(Object.values(world.plan));
  const report = await replaySchedule(workload, world, s, values.inject === true);
  return { report, world, schedule: s };
}
