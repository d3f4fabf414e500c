/**
 * tsync-lab as a library: each command as an async function taking the CLI's
 * flags as an options object (same names) and resolving to the report object
 * its --json writes. Bad options reject with a TsyncLabError whose message is
 * the CLI's one line; nothing calls process.exit; nothing prints unless an
 * onProgress callback is given. Adding a command is one export line here.
 */
export { stress, type StressOptions } from './stress.ts';
export { runScenario, type ScenarioOptions } from './scenario.ts';
export { experiment, type ExperimentOptions } from './experiment.ts';
export { diff, type DiffOptions, type DiffReport } from './diff.ts';
export { merge, type MergeOptions } from './merge.ts';
export { checkLock, type CheckLockOptions } from './locks.ts';
export { explore, replay, type ExploreOptions, type ReplayOptions } from './explore.ts';
export { litmus, type LitmusOptions } from './litmus.ts';
export { TsyncLabError } from './errors.ts';

export type { StressReport } from '../stress/report.ts';
export type { ExperimentResult } from '../experiment/types.ts';
export type { Result as ScenarioResult } from '../scenario/types.ts';
export type { LockCheckReport } from '../lock-lab/check.ts';
export type { ExploreJson as ExploreResult, ReplayJson as ReplayResult } from '../explore/format.ts';
export type { LitmusJson as LitmusResult } from '../litmus/format.ts';
