/** `tsync-lab replay [FILE] SCHEDULE [options]`: reproduce a schedule printed by explore. */
import { parseArgs } from 'node:util';
import { DESIGN_NAMES } from '../seccomp/designs/index.ts';
import { REPLAY_OPTIONS, replayCommand } from '../explore/command.ts';
import { formatFinding, replayJson } from '../explore/format.ts';

export const help = `usage: tsync-lab replay [FILE] SCHEDULE [options]

Re-runs the schedule string printed by \`tsync-lab explore\` twice under the
controlled scheduler, compares both event traces with each other and with the
recorded one (uncontrolled nondeterminism is reported as "nondeterminism at
step N"), and prints the interleaving table. FILE is the concurrent scenario
the schedule was found on; a schedule of the stress workload needs no FILE.

  --design NAME   ${DESIGN_NAMES.join(' | ')} (default: the schedule's)
  --bug NAME      (default: the schedule's; e.g. replay a bug's schedule on the fixed model with --bug none)
  --scope S       (default: the schedule's)
  --lock ROLE=KIND  the real lock kind under the scheduler, a built-in kind or a lock module ./path/lock.mjs
  --json          print { reproduced, violation } only

exit: 0 reproduced (or, for a clean schedule, clean and deterministic), 1 not reproduced
      or nondeterministic, 2 bad input, 3 internal error

example:
  npx tsync-lab replay test/concurrent/tsync_vs_clone.json 'ts1:f=...:c=uQE'
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: REPLAY_OPTIONS });
  const { report: r, world, schedule: s } = await replayCommand(values, positionals);
  if (values.json) {
    process.stdout.write(JSON.stringify(replayJson(r), null, 2) + '\n');
    return r.reproduced ? 0 : 1;
  }
  const out: string[] = [`replay: design ${world.design}${world.bug ? `, bug ${world.bug}` : ''}: ${r.steps} steps, ${r.preemptions} preemption(s)`];
  out.push(r.table);
  if (r.outcome) out.push(`outcome: ${r.outcome}`);
  out.push(r.violation ? `violation: ${formatFinding(r.violation)}` : 'no violation, no forbidden outcome');
  if (r.nondeterminism) out.push(r.nondeterminism);
  out.push(r.reproduced ? (s.failure ? `reproduced: ${s.failure}, twice, identical traces` : 'reproduced: clean, twice, identical traces') : `not reproduced${s.failure ? ` (recorded: ${s.failure})` : ''}`);
  process.stdout.write(out.join('\n') + '\n');
  return r.reproduced ? 0 : 1;
}
