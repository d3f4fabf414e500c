/**
 * `tsync-lab merge`: combine `experiment --shard I/N --json` files into the whole
 * matrix's result, or `explore --strategy dpor --shard I/N --json` files into one verdict.
 */
import { writeExperimentOutputs } from './experiment-outputs.ts';
import { parseArgs } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../shared/usage-error.ts';
import { readShardFile, mergeShards } from '../experiment/merge.ts';
import { formatExperiment } from '../experiment/console.ts';
import { formatExploreMerged, isExploreShard, mergeExploreShards, type ExploreShardFile } from '../explore/merge.ts';
import { writeJsonAtomic } from '../shared/json-file.ts';

export const help = `usage: tsync-lab merge SHARD.json… [--json OUT] [--html OUT] [--junit OUT] [--quiet]

Merges the --json files of \`tsync-lab experiment --shard I/N\` (all N shards of one
matrix, run on any machines) into exactly the result of the whole matrix: every
cell with its runs and seeds, the per-axis tables recomputed, each cell's HDR
latency histograms added exactly. Prints the tables like experiment does.
Refuses files that are not shards, shards of different matrices, overlapping
shards or a missing shard, with one line (exit 2).

  --json FILE   the merged matrix as JSON (atomically; same format as experiment --json)
  --html FILE   the self-contained HTML report of the merged matrix
  --junit FILE  a JUnit XML report of the merged matrix: one testcase per cell
  --quiet       no tables

exit: 0 every cell clean, 1 some cell found violations, 2 bad input, 3 a worker crashed in some cell

Explore shards: the --json files of \`tsync-lab explore FILE --strategy dpor --shard I/N\`
(every part of one search) merge into one verdict: found if any shard found (its
minimal schedule is printed), "exhaustive: N traces, clean" only if every shard was
exhaustive; traces, sleep-set cuts and outcomes are added up, and the traces equal the
single-machine run's. Parts of different searches (file, design, bug, scope, lock
plan), overlapping parts and missing parts are refused with one line (exit 2).
--json FILE writes the merged verdict; --html and --junit are for experiments only.
exit (explore shards): 0 nothing found (the last line says whether exhaustive), 1 found.

example (two machines, then one merge):
  npx tsync-lab experiment --preset scope --seed 7 --shard 1/2 --json s1.json   # machine A
  npx tsync-lab experiment --preset scope --seed 7 --shard 2/2 --json s2.json   # machine B
  npx tsync-lab merge s1.json s2.json --json scope.json --html scope.html

  npx tsync-lab explore test/concurrent/tsync_vs_clone_vs_exit.json --strategy dpor --shard 1/2 --json > e1.json
  npx tsync-lab explore test/concurrent/tsync_vs_clone_vs_exit.json --strategy dpor --shard 2/2 --json > e2.json
  npx tsync-lab merge e1.json e2.json
`;

const OPTIONS = {
  json: { type: 'string' },
  html: { type: 'string' },
  junit: { type: 'string' },
  quiet: { type: 'boolean', default: false },
} as const;

function checkOutput(flag: string, path: string | undefined): void {
  if (path !== undefined && !existsSync(dirname(resolve(path)))) throw new UsageError(`--${flag}: folder of "${path}" does not exist`);
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  checkOutput('json', values.json);
  checkOutput('html', values.html);
  checkOutput('junit', values.junit);
  const explore = exploreParts(positionals);
  if (explore) {
    if (values.html || values.junit) throw new UsageError('merge: --html and --junit are for experiment shards; explore shards merge to a verdict (--json)');
    const m = mergeExploreShards(explore);
    process.stderr.write(`tsync-lab merge: ${explore.length} explore shard${explore.length > 1 ? 's' : ''} of one dpor search\n`);
    process.stdout.write(formatExploreMerged(m) + '\n');
    if (values.json) writeJsonAtomic(values.json, m);
    return m.found ? 1 : 0;
  }
  const result = mergeShards(positionals.map(readShardFile), ['tsync-lab', 'merge', ...argv].join(' '));
  const err = process.stderr;
  err.write(`tsync-lab merge: ${positionals.length} shard${positionals.length > 1 ? 's' : ''}, ${result.cells.length} cells\n`);
  if (!values.quiet) process.stdout.write(formatExperiment(result));
  writeExperimentOutputs(result, values, err);
  return result.exitCode;
}

/** The files as explore shards, if every one is; null if none is; one line if they are mixed. */
function exploreParts(files: string[]): ExploreShardFile[] | null {
  const parts: ExploreShardFile[] = [];
  let others = 0;
  for (const file of files) {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      others++; // readShardFile says what is wrong with it
      continue;
    }
    if (isExploreShard(value)) parts.push({ file, json: value });
    else others++;
  }
  if (parts.length === 0) return null;
  if (others > 0) throw new UsageError(`merge: give either experiment shards or explore shards, not both (${parts.length} explore shard(s), ${others} other file(s))`);
  return parts;
}
