/**
 * `tsync-lab` command dispatcher, callable in-process (the CLI property test runs
 * thousands of commands without a node process each). Each command lives in its own module under
 * src/cli/ and exports `run(argv): Promise<number>` (the exit code) and `help`.
 * Exit codes: 0 ok, 1 a finding (violations, mismatches), 2 bad input, 3 internal error.
 */
import { FindingError } from '../shared/finding-error.ts';
import { UsageError } from '../shared/usage-error.ts';
import { debugEnabled, internalErrorLine, writeInternalLog } from '../shared/internal-error.ts';

interface Command {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number>; help: string }>;
}

const COMMANDS: Record<string, Command> = {
  info: { summary: 'print the shared-memory layout and its footprint', load: () => import('./info.ts') },
  locks: { summary: 'benchmark every lock kind (npm run bench:locks)', load: () => import('./locks.ts') },
  scenario: { summary: 'run a scenario file step by step on the model', load: () => import('./scenario.ts') },
  stress: { summary: 'race TSYNC, clone, exit and syscalls on real threads (the main job)', load: () => import('./stress.ts') },
  bugs: { summary: 'list the seeded bugs and what must catch them', load: () => import('./bugs.ts') },
  kernel: { summary: 'run a scenario file on the real Linux kernel', load: () => import('./kernel.ts') },
  diff: { summary: 'run a scenario on the model and the kernel and compare', load: () => import('./diff.ts') },
  explore: { summary: 'controlled, replayable schedules of a concurrent scenario (or the stress workload)', load: () => import('./explore.ts') },
  replay: { summary: 'replay a schedule string printed by explore, checking determinism', load: () => import('./replay.ts') },
  litmus: { summary: 'outcome histograms of a concurrent scenario on real threads, jcstress-style', load: () => import('./litmus.ts') },
  experiment: { summary: 'run a matrix of stress runs over lock designs; charts', load: () => import('./experiment.ts') },
  merge: { summary: 'merge experiment --shard results into the whole matrix', load: () => import('./merge.ts') },
};

export const USAGE = `usage: tsync-lab <command> [options]     (tsync-lab <command> --help for details)

commands:
${Object.entries(COMMANDS)
  .map(([n, c]) => `  ${n.padEnd(11)} ${c.summary}`)
  .join('\n')}
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`tsync-lab: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  let mod: Awaited<ReturnType<Command['load']>>;
  try {
    mod = await cmd.load();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write(`tsync-lab: command "${name}" is not built yet\n`);
      return 2;
    }
    throw e;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(mod.help.endsWith('\n') ? mod.help : mod.help + '\n');
    return 0;
  }
  return mod.run(rest);
}


/**
 * Run one command line; resolves to the exit code, never rejects. Bad input is one
 * line on stderr (exit 2); an internal error is one line naming its log file
 * (exit 3), plus the stack under TSYNC_LAB_DEBUG=1.
 */
export async function runCli(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof Error && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS'))) {
      // node's parseArgs appends a long hint about positionals; one short line is enough
      const msg = e.message.replace(/\. To specify a positional argument.*$/s, '').replace(/\s*\n\s*/g, ' ');
      process.stderr.write(`tsync-lab: ${msg}${e instanceof UsageError ? '' : ' (see --help)'}\n`);
      return 2;
    }
    if (e instanceof FindingError) {
      process.stderr.write(`tsync-lab: VIOLATION ${e.message}\n`);
      return 1;
    }
    process.stderr.write(internalErrorLine(e, writeInternalLog(e, argv)) + '\n');
    if (debugEnabled()) process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 3;
  }
}
