/** `tsync-lab merge`: combine `experiment --shard I/N --json` files into the whole matrix's result. */
import { writeExperimentOutputs } from './experiment-outputs.ts';
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../shared/usage-error.ts';
import { readShardFile, mergeShards } from '../experiment/merge.ts';
import { formatExperiment } from '../experiment/console.ts';

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

example (two machines, then one merge):
  npx tsync-lab experiment --preset scope --seed 7 --shard 1/2 --json s1.json   # machine A
  npx tsync-lab experiment --preset scope --seed 7 --shard 2/2 --json s2.json   # machine B
  npx tsync-lab merge s1.json s2.json --json scope.json --html scope.html
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
  const result = mergeShards(positionals.map(readShardFile), ['tsync-lab', 'merge', ...argv].join(' '));
  const err = process.stderr;
  err.write(`tsync-lab merge: ${positionals.length} shard${positionals.length > 1 ? 's' : ''}, ${result.cells.length} cells\n`);
  if (!values.quiet) process.stdout.write(formatExperiment(result));
  writeExperimentOutputs(result, values, err);
  return result.exitCode;
}
