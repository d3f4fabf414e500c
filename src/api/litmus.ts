/**
 * `litmus(path, options)`: the `tsync-lab litmus FILE|DIR` command as a
 * function. Resolves to exactly what `--json` prints: the contract object of a
 * FILE ({ samples, samplesPerSecond, stride, durationMs, seed, outcomes,
 * violations, timing: { measured, overlapPct, startSpreadUs, racing, note } };
 * null when its designs exclude the design), an array of them for a DIR.
 */
import { LITMUS_OPTIONS, litmusCommand } from '../litmus/command.ts';
import type { LitmusJson } from '../litmus/format.ts';
import { UsageError } from '../shared/usage-error.ts';
import { litmusSuite } from '../litmus/junit.ts';
import { writeJunitAtomic } from '../junit/xml.ts';
import { asApi } from './errors.ts';
import { parseOptions, type FlagsOf } from './options.ts';
import type { Common } from './stress.ts';

const { json: _json, ...OPTIONS } = LITMUS_OPTIONS;

/** `tsync-lab litmus` flags by name (duration, seed, design, bug, lock, max-stride, junit) */
export type LitmusOptions = FlagsOf<typeof OPTIONS> & Common;

export function litmus(path: string, options: LitmusOptions = {}): Promise<LitmusJson | null | LitmusJson[]> {
  return asApi(async () => {
    if (typeof path !== 'string') throw new UsageError('litmus: expected one FILE or DIR (see --help)');
    const values = parseOptions(options, OPTIONS, ['onProgress', 'signal']);
    const say = options.onProgress;
    const signal = options.signal;
    const run = await litmusCommand(values, [path], {
      ...(say ? { say, progress: say } : {}),
      ...(signal ? { interrupted: () => signal.aborted } : {}),
    });
    if (values.junit) writeJunitAtomic(values.junit, [litmusSuite(run.entries, { command: 'litmus() (tsync-lab library)', seed: run.seed, bug: run.bug, locks: run.plan })]);
    return run.json;
  });
}
