/** `experiment(options)`: the `tsync-lab experiment` command as a function. */
import { writeJsonAtomic } from '../shared/json-file.ts';
import { UsageError } from '../shared/usage-error.ts';
import { NATIVE_UNAVAILABLE } from '../locks/kinds.ts';
import { nativeAvailable } from '../locks/native.ts';
import { EXPERIMENT_OPTIONS, prepareExperiment, type ExperimentValues } from '../experiment/command.ts';
import { runExperiment } from '../experiment/run.ts';
import { Progress } from '../experiment/progress.ts';
import { writeHtmlAtomic } from '../experiment/html.ts';
import type { ExperimentResult } from '../experiment/types.ts';
import { writeJunitAtomic } from '../junit/xml.ts';
import { experimentSuite } from '../experiment/junit.ts';
import { asApi } from './errors.ts';
import { parseOptions, type FlagsOf } from './options.ts';
import type { Common } from './stress.ts';

const { quiet: _quiet, ...OPTIONS } = EXPERIMENT_OPTIONS;

/** `tsync-lab experiment` flags by name (vary, preset, duration, repeat, seed, shard, json, html, junit, and the base stress flags) */
export type ExperimentOptions = FlagsOf<typeof OPTIONS> & Common;

/** Resolves to the result `experiment --json` writes; rejects with a TsyncLabError for bad options. */
export function experiment(options: ExperimentOptions = {}): Promise<ExperimentResult> {
  return asApi(async () => {
    const values = parseOptions(options, OPTIONS, ['onProgress', 'signal']) as ExperimentValues;
    const { plan, native } = await prepareExperiment(values, 'experiment() (tsync-lab library)');
    if (native && !nativeAvailable()) throw new UsageError(NATIVE_UNAVAILABLE);
    const say = options.onProgress;
    const progress = say ? new Progress(plan.durationMs, (s) => say(s.replace(/\n$/, '')), false) : null;
    const signal = options.signal;
    const result = await runExperiment(plan, {
      ...(signal ? { interrupted: () => signal.aborted } : {}),
      ...(progress ? { runStart: (e) => progress.runStart(e, plan.repeat), runEnd: (_e, r) => progress.runEnd(r), stress: (t, elapsed) => progress.stress(t, elapsed) } : {}),
    });
    if (values.json) writeJsonAtomic(values.json, result);
    if (values.html) writeHtmlAtomic(values.html, result);
    if (values.junit) writeJunitAtomic(values.junit, [experimentSuite(result)]);
    return result;
  });
}
