/** `merge(files, options)`: the `tsync-lab merge` command as a function. */
import { writeJsonAtomic } from '../shared/json-file.ts';
import { readShardFile, mergeShards } from '../experiment/merge.ts';
import { writeHtmlAtomic } from '../experiment/html.ts';
import type { ExperimentResult } from '../experiment/types.ts';
import { writeJunitAtomic } from '../junit/xml.ts';
import { experimentSuite } from '../experiment/junit.ts';
import { checkOutputFlag } from '../shared/flags.ts';
import { asApi } from './errors.ts';
import { parseOptions, type FlagsOf } from './options.ts';

const OPTIONS = { json: { type: 'string' }, html: { type: 'string' }, junit: { type: 'string' } } as const;

export type MergeOptions = FlagsOf<typeof OPTIONS>;

/** Merge `experiment --shard` JSON files; resolves to the whole matrix's result (what `merge --json` writes). */
export function merge(files: readonly string[], options: MergeOptions = {}): Promise<ExperimentResult> {
  return asApi(() => {
    const values = parseOptions(options, OPTIONS);
    for (const k of ['json', 'html', 'junit'] as const) checkOutputFlag(k, values[k]);
    const result = mergeShards(files.map(readShardFile), `merge() (tsync-lab library) ${files.join(' ')}`);
    if (values.json) writeJsonAtomic(values.json, result);
    if (values.html) writeHtmlAtomic(values.html, result);
    if (values.junit) writeJunitAtomic(values.junit, [experimentSuite(result)]);
    return result;
  });
}
