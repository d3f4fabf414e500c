/**
 * `explore([file], options)` and `replay([file], schedule, options)`: the
 * `tsync-lab explore` and `tsync-lab replay` commands as functions. The
 * positional arguments come first, as on the command line (no FILE: the stress
 * workload); the flags are the options object. They resolve to exactly what
 * `--json` prints.
 */
import { EXPLORE_OPTIONS, REPLAY_OPTIONS, exploreCommand, replayCommand } from '../explore/command.ts';
import { exploreJson, replayJson, type ExploreJson, type ReplayJson } from '../explore/format.ts';
import { UsageError } from '../shared/usage-error.ts';
import { exploreSuite } from '../explore/junit.ts';
import { writeJunitAtomic } from '../junit/xml.ts';
import { asApi } from './errors.ts';
import { parseOptions, type FlagsOf } from './options.ts';
import type { Common } from './stress.ts';

// --json is what the functions resolve to; --probe and --inject are the lab's own test hooks
const { json: _j1, probe: _p1, inject: _i1, ...EXPLORE } = EXPLORE_OPTIONS;
const { json: _j2, probe: _p2, inject: _i2, ...REPLAY } = REPLAY_OPTIONS;

/** `tsync-lab explore` flags by name (strategy, iterations, preemptions, depth, seed, design, bug, scope, lock, threads, ops, junit) */
export type ExploreOptions = FlagsOf<typeof EXPLORE> & Common;
/** `tsync-lab replay` flags by name (design, bug, scope, lock) */
export type ReplayOptions = FlagsOf<typeof REPLAY>;

const SKIP = ['onProgress', 'signal'];

/** The leading string arguments (the command's positionals) and the options object after them. */
function split<O extends object>(args: readonly unknown[], max: number, what: string): { positionals: string[]; options: O } {
  const positionals: string[] = [];
  let i = 0;
  for (; i < args.length && (typeof args[i] === 'string' || args[i] === undefined); i++) if (args[i] !== undefined) positionals.push(args[i] as string);
  const rest = args.slice(i);
  if (positionals.length > max || rest.length > 1 || (rest.length === 1 && (typeof rest[0] !== 'object' || rest[0] === null)))
    throw new UsageError(`${what}: expected ${max === 1 ? '[FILE]' : '[FILE] SCHEDULE'} then an options object`);
  return { positionals, options: (rest[0] ?? {}) as O };
}

/** Explore a concurrent scenario FILE (or, without one, the stress workload) under the controlled scheduler. */
export function explore(options?: ExploreOptions): Promise<ExploreJson>;
export function explore(file: string | undefined, options?: ExploreOptions): Promise<ExploreJson>;
export function explore(...args: unknown[]): Promise<ExploreJson> {
  return asApi(async () => {
    const { positionals, options } = split<ExploreOptions>(args, 1, 'explore');
    const values = parseOptions(options, EXPLORE, SKIP);
    const say = options.onProgress;
    const signal = options.signal;
    const run = await exploreCommand(values, positionals, {
      ...(say ? { say } : {}),
      ...(signal ? { interrupted: () => signal.aborted } : {}),
    });
    if (values.junit) writeJunitAtomic(values.junit, [exploreSuite(run, positionals[0], 'explore() (tsync-lab library)')]);
    return exploreJson(run.report);
  });
}

/** Replay a schedule string printed by explore (FILE first when it was found on a scenario file). */
export function replay(schedule: string, options?: ReplayOptions): Promise<ReplayJson>;
export function replay(file: string, schedule: string, options?: ReplayOptions): Promise<ReplayJson>;
export function replay(...args: unknown[]): Promise<ReplayJson> {
  return asApi(async () => {
    const { positionals, options } = split<ReplayOptions>(args, 2, 'replay');
    const values = parseOptions(options, REPLAY);
    return replayJson((await replayCommand(values, positionals)).report);
  });
}
