/** `tsync-lab explore [FILE] [options]`: controlled, replayable schedules on the real workers. */
import { parseArgs } from 'node:util';
import { UsageError } from '../shared/usage-error.ts';
import { DESIGN_NAMES } from '../seccomp/designs/index.ts';
import { randomSeed } from '../engine/rng.ts';
import { explore, type ExploreReport } from '../explore/explore.ts';
import { STRATEGY_NAMES, type StrategyName } from '../explore/strategies/index.ts';
import type { Finding } from '../explore/session.ts';
import { intFlag } from './flags.ts';
import { onInterrupt } from './interrupt.ts';
import { WORLD_OPTIONS, parseWorld, readFileArg, workloadFrom, type WorldValues } from './explore-world.ts';

export const help = `usage: tsync-lab explore [FILE] [options]

Runs the actors of a concurrent scenario FILE (test/concurrent/*.json), one per
real worker thread, under a controlled scheduler: exactly one actor runs at a
time and every interleaving is chosen, recorded and replayable. Scheduling
points: lock acquire/release, atomic accesses, named race windows, and plain
accesses made without the lock that guards the word. A checker violation, a
deadlock or a forbidden outcome prints the schedule string, its interleaving
table, then shrinks it (fewer preemptions, then fewer steps) and prints the
minimal schedule and its table. \`tsync-lab replay\` reproduces it.

Without FILE it explores the stress workload: one group of --threads threads
(2..4, default 3), --ops ops per actor (1..8, default 3), op choices drawn
from the schedule's own generator.

  --strategy S       ${STRATEGY_NAMES.join(' | ')} (default dfs)
  --iterations N     at most N schedules (default 100000)
  --preemptions P    dfs: at most P preemptions per schedule (default 2)
  --depth D          pct: bug depth d, d-1 priority change points (default 3)
  --seed S           random and pct choices, stress-workload op choices (default: random, printed)
  --design NAME      ${DESIGN_NAMES.join(' | ')} (default: the file's first design, else merged)
  --bug NAME         run a seeded bug (see \`tsync-lab bugs\`)
  --scope S          siglock | tasklist | threadgroup (default siglock)
  --lock ROLE=KIND   the real lock kind under the scheduler (native is refused)
  --threads N        stress workload: threads = actors (2..4, default 3)
  --ops K            stress workload: ops per actor (1..8, default 3)
  --json             print { found, schedule, minimal, iterations, elapsedMs, violation } only

exit: 0 nothing found, 1 a violation or forbidden outcome, 2 bad input, 3 internal error

examples:
  npx tsync-lab explore test/concurrent/tsync_vs_clone.json --bug clone-copy-early
  npx tsync-lab explore --bug partial-tsync --strategy pct --seed 1
`;

export function formatFinding(f: Finding): string {
  return `${f.kind}: ${f.message}${f.actor ? ` (actor ${f.actor}${f.op ? `, ${f.op}` : ''})` : f.op ? ` (${f.op})` : ''}`;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...WORLD_OPTIONS,
      strategy: { type: 'string', default: 'dfs' },
      iterations: { type: 'string' },
      preemptions: { type: 'string' },
      depth: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (positionals.length > 1) throw new UsageError(`explore: at most one FILE, got ${positionals.length} (see --help)`);
  if (!(STRATEGY_NAMES as readonly string[]).includes(values.strategy!)) throw new UsageError(`--strategy: one of ${STRATEGY_NAMES.join(', ')}, got "${values.strategy}"`);
  const file = readFileArg(positionals[0]);
  const world = parseWorld(values as WorldValues, {}, file);
  const workload = workloadFrom(values as WorldValues, file);
  const seed = intFlag('seed', values.seed, randomSeed(), 0, 0x7fffffff);
  const o = {
    strategy: values.strategy as StrategyName,
    iterations: intFlag('iterations', values.iterations, 100_000, 1, 1e9),
    preemptions: intFlag('preemptions', values.preemptions, 2, 0, 64),
    depth: intFlag('depth', values.depth, 3, 1, 16),
    seed,
  };
  const json = values.json!;
  const err = process.stderr;
  const what = positionals[0] ?? `the stress workload (${workload.header.slice(2)})`;
  if (!json) err.write(`tsync-lab explore ${what}: design ${world.design}${world.bug ? `, bug ${world.bug}` : ''}, strategy ${o.strategy}, seed ${seed}\n`);
  const sigint = onInterrupt('stopping, the report follows');
  let report: ExploreReport;
  try {
    report = await explore(workload, world, { ...o, interrupted: sigint.requested, progress: json ? undefined : (n, ms) => err.write(`  ${n} schedules, ${(ms / 1000).toFixed(1)} s, ${Math.round((n * 1000) / ms)}/s\n`) });
  } finally {
    sigint.dispose();
  }
  if (json) {
    const { found, schedule, minimal, iterations, elapsedMs, violation } = report;
    process.stdout.write(JSON.stringify({ found, schedule, minimal, iterations, elapsedMs: Math.round(elapsedMs), violation }, null, 2) + '\n');
    return report.found ? 1 : 0;
  }
  const out: string[] = [];
  const rate = report.elapsedMs > 0 ? Math.round((report.iterations * 1000) / report.elapsedMs) : 0;
  if (report.found) {
    out.push(`found after ${report.iterations} schedule(s) in ${Math.round(report.elapsedMs)} ms: ${formatFinding(report.violation!)}`);
    out.push(`search: ${report.summary}`);
    out.push(`schedule (${report.foundPreemptions} preemption(s), ${report.foundSteps} steps): ${report.schedule}`);
    out.push(report.table!);
    out.push(`shrunk in ${report.shrinkRuns} replay(s): ${report.minimalPreemptions} preemption(s), ${report.minimalSteps} steps`);
    out.push(`minimal schedule: ${report.minimal}`);
    out.push(report.minimalTable!);
    out.push(`replay it: npx tsync-lab replay ${positionals[0] ? `${positionals[0]} ` : ''}${report.minimal}`);
  } else {
    out.push(`${report.summary} (${Math.round(report.elapsedMs)} ms, ${rate} schedules/s)${report.interrupted ? ' — interrupted' : ''}`);
    if (report.outcomes.length) {
      out.push('outcomes:');
      for (const c of report.outcomes.sort((a, b) => b.count - a.count)) out.push(`  ${String(c.count).padStart(8)}  ${c.expect.padEnd(11)}  ${c.line}${c.desc ? `   (${c.desc})` : ''}`);
    }
    out.push('no violation, no forbidden outcome');
  }
  process.stdout.write(out.join('\n') + '\n');
  return report.found ? 1 : 0;
}
