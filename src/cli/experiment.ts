/** `tsync-lab experiment`: a matrix of stress runs over lock designs, as tables, JSON and charts. */
import { writeExperimentOutputs } from './experiment-outputs.ts';
import { onInterrupt } from './interrupt.ts';
import { parseArgs } from 'node:util';
import { LOCK_ROLES, LOCK_KINDS } from '../locks/kinds.ts';
import { UsageError } from '../shared/usage-error.ts';
import { DESIGN_NAMES } from '../seccomp/designs/index.ts';
import { needsHarmonyStruct, reexecWithHarmonyStruct, REEXEC_GRACE_MS } from '../workers/reexec.ts';
import { describeAxes } from '../experiment/axes.ts';
import { describePresets } from '../experiment/presets.ts';
import { EXPERIMENT_OPTIONS, DEFAULT_DURATION, DEFAULT_REPEAT, prepareExperiment } from '../experiment/command.ts';
import { runExperiment } from '../experiment/run.ts';
import { Progress } from '../experiment/progress.ts';
import { formatExperiment } from '../experiment/console.ts';
import { fmtDuration } from '../shared/table.ts';

export const help = `usage: tsync-lab experiment [--preset NAME] [--vary AXIS=v1,v2,…]… [options]

Runs a matrix of stress runs: the cross product of the varied axes, each cell
--repeat times with derived seeds, every checker on, TSYNC latency recorded in HDR
histograms. Prints a table per axis and one row per cell; cells where a checker
fired are marked, not silently averaged in.

  --vary AXIS=v1,v2,…  repeatable; axes and their values:
${describeAxes()}
  --preset NAME        a ready-made matrix (its --vary, --duration and --repeat can be overridden):
${describePresets()}
  --duration D         per run (default ${DEFAULT_DURATION}; presets set their own)
  --repeat N           runs per cell (default ${DEFAULT_REPEAT}; presets set their own)
  --seed N             base seed; each run's seed derives from it and is printed (default random)
  --json FILE          the full matrix as JSON (atomically; schema: docs/experiment.md)
  --html FILE          a self-contained offline HTML report with charts (Chart.js inlined)
  --junit FILE         a JUnit XML report: one testcase per cell, a cell with violations is a failure
  --quiet              no progress lines, no tables
  --shard I/N          run only shard I of N (needs --seed; cells keep their full-matrix seeds);
                       combine the shards' --json files with \`tsync-lab merge\`
 base stress flags for every cell (an axis overrides them), as for \`tsync-lab stress\`:
  --design NAME        ${DESIGN_NAMES.join(' | ')} (default merged)
  --scope S            siglock | tasklist | threadgroup (default siglock)
  --workers N          worker threads = simulated CPUs (default: available cores)
  --groups N           processes (default 4)
  --threads LOW..HIGH  threads per process (default 2..8)
  --mix K=W,...        op weights
  --lock ROLE=KIND     repeatable; roles: ${LOCK_ROLES.join(', ')}; kinds: ${LOCK_KINDS.join(', ')}
  --noise P, --max-depth N, --bug NAME   as for stress

exit: 0 every cell clean, 1 some cell found violations, 2 bad input, 3 a worker crashed

examples:
  npx tsync-lab experiment --preset scope --html scope.html
  npx tsync-lab experiment --vary siglock=ttas,mcs,futex --vary groups=1,8 --duration 2s --repeat 2 --json kinds.json
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: EXPERIMENT_OPTIONS });
  if (positionals.length) throw new UsageError(`experiment: unexpected argument "${positionals[0]}" (see --help)`);
  const { plan, planned, shard, native } = await prepareExperiment(values, ['tsync-lab', 'experiment', ...argv].join(' '));
  const { cells, repeat, durationMs, baseSeed } = plan;
  if (needsHarmonyStruct(native)) return reexecWithHarmonyStruct(['experiment', ...argv], { timeoutMs: cells.length * repeat * (durationMs + 10_000) + REEXEC_GRACE_MS });

  const err = process.stderr;
  const tty = err.isTTY === true;
  const runs = cells.length * repeat;
  if (shard) err.write(`tsync-lab experiment: shard ${shard.index}/${shard.total}: cells ${shard.cells.map((i) => `#${i + 1}`).join(' ') || '(none)'} of ${planned.length}\n`);
  err.write(`tsync-lab experiment: ${cells.length} cell${cells.length > 1 ? 's' : ''} x ${repeat} repeat${repeat > 1 ? 's' : ''} x ${fmtDuration(durationMs)} = ${runs} runs; base seed ${baseSeed} (replay the matrix with --seed ${baseSeed})\n`);
  const sigint = onInterrupt('stopping the current run (it is dropped); partial results follow');
  const progress = new Progress(durationMs, (s) => err.write(s), tty);
  const quiet = values.quiet;
  const result = await runExperiment(plan, {
    interrupted: sigint.requested,
    runStart: quiet ? undefined : (e) => progress.runStart(e, repeat),
    runEnd: quiet ? undefined : (_e, r) => progress.runEnd(r),
    stress: quiet ? undefined : (t, elapsed) => progress.stress(t, elapsed),
  });
  sigint.dispose();
  if (!quiet) process.stdout.write('\n' + formatExperiment(result));
  writeExperimentOutputs(result, values, err);
  return result.exitCode;
}
