/** `tsync-lab explore [FILE] [options]`: controlled, replayable schedules on the real workers. */
import { parseArgs } from 'node:util';
import { DESIGN_NAMES } from '../seccomp/designs/index.ts';
import { STRATEGY_NAMES } from '../explore/strategies/index.ts';
import { EXPLORE_OPTIONS, exploreCommand, type ExploreRun } from '../explore/command.ts';
import { exploreJson, formatExplore } from '../explore/format.ts';
import { exploreSuite } from '../explore/junit.ts';
import { writeJunitAtomic } from '../junit/xml.ts';
import { onInterrupt } from './interrupt.ts';

export const help = `usage: tsync-lab explore [FILE] [options]

Runs the actors of a concurrent scenario FILE (test/concurrent/*.json), one per
real worker thread, under a controlled scheduler: exactly one actor runs at a
time and every interleaving is chosen, recorded and replayable. Every lock runs
its own code (built-in kinds and lock modules alike): each Atomics operation
and plain access a lock makes on a shared word is a scheduling point, spin loops
wait for a write, Atomics.wait/notify follow ECMA-262. The model's points: atomic
accesses, named race windows, and plain accesses made without the lock that
guards the word. A checker violation, two holders inside a lock, a deadlock, a
lost wake-up or a forbidden outcome prints the schedule string, its interleaving
table, then shrinks it (fewer preemptions, then fewer steps) and prints the
minimal schedule and its table. \`tsync-lab replay\` reproduces it.

Without FILE it explores the stress workload: one group of --threads threads
(2..4, default 3), --ops ops per actor (1..8, default 3), op choices drawn
from the schedule's own generator.

  --strategy S       ${STRATEGY_NAMES.join(' | ')} (default dfs); dpor: one execution per
                     Mazurkiewicz trace, no preemption bound, "exhaustive: N traces, clean"
                     or the minimal failing schedule (a race window counts as dependent
                     with every other actor's step)
  --iterations N     at most N schedules (default 100000; dpor: no limit)
  --preemptions P    dfs: at most P preemptions per schedule (default 2); refused with dpor
  --shard I/N        dpor: explore only part I of N of the search (disjoint; all N together are
                     the whole search); merge the --json outputs with \`tsync-lab merge\`
  --depth D          pct: bug depth d, d-1 priority change points (default 3)
  --seed S           random and pct choices, stress-workload op choices (default: random, printed)
  --design NAME      ${DESIGN_NAMES.join(' | ')} (default: the file's first design, else merged)
  --bug NAME         run a seeded bug (see \`tsync-lab bugs\`)
  --scope S          siglock | tasklist | threadgroup (default siglock)
  --lock ROLE=KIND   the lock kind whose code runs under the scheduler (native is refused); KIND
                     may be a lock module ./path/lock.mjs (docs/locks.md)
  --grant-locks      faster: the scheduler grants locks itself and no lock's own code is explored
                     (the output says so); the seeded bugs inside a lock (racy-siglock) are refused
  --threads N        stress workload: threads = actors (2..4, default 3)
  --ops K            stress workload: ops per actor (1..8, default 3)
  --json             print { found, schedule, minimal, iterations, elapsedMs, violation,
                     exhaustive, traces, sleepBlocked, lockCode } (and shard, with --shard) only;
                     lockCode: "real" (lock code explored) or "granted" (--grant-locks)
  --junit FILE       write a JUnit XML report (one testcase; a violation or forbidden outcome is its
                     failure, with the schedule and the interleaving table)

exit: 0 nothing found, 1 a violation or forbidden outcome, 2 bad input, 3 internal error

examples:
  npx tsync-lab explore test/concurrent/tsync_vs_clone.json --bug clone-copy-early
  npx tsync-lab explore --bug partial-tsync --strategy pct --seed 1
  npx tsync-lab explore test/concurrent/tsync_vs_clone_vs_exit.json --strategy dpor
  npx tsync-lab explore test/concurrent/tsync_vs_clone.json --lock siglock=./my-lock.mjs --strategy dpor
`;

export { formatFinding } from '../explore/format.ts';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: EXPLORE_OPTIONS });
  const json = values.json!;
  const sigint = onInterrupt('stopping, the report follows');
  let run: ExploreRun;
  try {
    run = await exploreCommand(values, positionals, {
      interrupted: sigint.requested,
      ...(json ? {} : { say: (line: string) => process.stderr.write(`${line}\n`) }),
    });
  } finally {
    sigint.dispose();
  }
  if (values.junit) writeJunitAtomic(values.junit, [exploreSuite(run, positionals[0], ['tsync-lab', 'explore', ...argv].join(' '))]);
  const report = run.report;
  process.stdout.write((json ? JSON.stringify(exploreJson(report), null, 2) : formatExplore(report, positionals[0])) + '\n');
  return report.found ? 1 : 0;
}
