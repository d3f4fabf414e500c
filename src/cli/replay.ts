/** `tsync-lab replay [FILE] SCHEDULE [options]`: reproduce a schedule printed by explore. */
import { parseArgs } from 'node:util';
import { UsageError } from '../shared/usage-error.ts';
import { DESIGN_NAMES } from '../seccomp/designs/index.ts';
import { decodeSchedule } from '../explore/schedule.ts';
import { replaySchedule } from '../explore/replay.ts';
import { formatFinding } from './explore.ts';
import { WORLD_OPTIONS, parseWorld, readFileArg, workloadFrom, type WorldValues } from './explore-world.ts';

export const help = `usage: tsync-lab replay [FILE] SCHEDULE [options]

Re-runs the schedule string printed by \`tsync-lab explore\` twice under the
controlled scheduler, compares both event traces with each other and with the
recorded one (uncontrolled nondeterminism is reported as "nondeterminism at
step N"), and prints the interleaving table. FILE is the concurrent scenario
the schedule was found on; a schedule of the stress workload needs no FILE.

  --design NAME   ${DESIGN_NAMES.join(' | ')} (default: the schedule's)
  --bug NAME      (default: the schedule's; e.g. replay a bug's schedule on the fixed model with --bug none)
  --scope S       (default: the schedule's)
  --json          print { reproduced, violation } only

exit: 0 reproduced (or, for a clean schedule, clean and deterministic), 1 not reproduced
      or nondeterministic, 2 bad input, 3 internal error

example:
  npx tsync-lab replay test/concurrent/tsync_vs_clone.json 'ts1:f=...:c=uQE'
`;

/** `--bug none`: no seeded bug */
const NO_BUG = 'none';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...WORLD_OPTIONS } });
  if (positionals.length < 1 || positionals.length > 2) throw new UsageError('replay: expected [FILE] SCHEDULE (see --help)');
  const text = positionals[positionals.length - 1]!;
  const s = decodeSchedule(text);
  const file = readFileArg(positionals.length === 2 ? positionals[0] : undefined);
  const v = values as WorldValues;
  if (s.workload.startsWith('f=')) {
    if (!file) throw new UsageError(`replay: this schedule was found on a scenario file (${s.workload}): give the FILE before it`);
    if (`f=${file.hash}` !== s.workload) throw new UsageError(`replay: the schedule belongs to another file or version (${s.workload}; ${positionals[0]} has f=${file.hash})`);
  } else if (file) throw new UsageError('replay: this schedule is of the stress workload: give no FILE');
  else if (s.workload.startsWith('w=stress.')) {
    const [, t, o] = s.workload.split('.');
    v.threads = t;
    v.ops = o;
  } else if (s.workload.startsWith('w=probe.')) v.probe = s.workload.slice('w=probe.'.length);
  else throw new UsageError(`replay: unknown workload "${s.workload}"`);
  // --bug none: replay a bug's schedule on the correct model
  const asked = v.bug ?? s.bug;
  const bug = asked === NO_BUG ? null : asked;
  const world = parseWorld({ ...v, bug: undefined }, { design: s.design, bug, scope: s.scope }, file);
  const workload = workloadFrom(v, file);
  const r = await replaySchedule(workload, world, s, values.inject === true);
  if (values.json) {
    process.stdout.write(JSON.stringify({ reproduced: r.reproduced, violation: r.violation }, null, 2) + '\n');
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
