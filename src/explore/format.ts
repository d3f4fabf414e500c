/** The explore and replay reports as text (what the commands print) and as their JSON contracts. */
import type { ExploreReport, ShardReport } from './explore.ts';
import type { ReplayReport } from './replay.ts';
import type { Finding } from './session.ts';

/**
 * `explore --json`, exactly: { found, schedule, minimal, iterations, elapsedMs, violation,
 * exhaustive, traces, sleepBlocked }, and `shard` when --shard was given.
 * exhaustive: every trace was explored (dpor that ran to its end, nothing found); traces:
 * dpor's complete executions (one per Mazurkiewicz trace), other strategies' executions;
 * sleepBlocked: executions dpor's sleep sets cut (0 for other strategies).
 */
export interface ExploreJson {
  found: boolean;
  schedule: string | null;
  minimal: string | null;
  iterations: number;
  elapsedMs: number;
  violation: Finding | null;
  exhaustive: boolean;
  traces: number;
  sleepBlocked: number;
  /** "real": every lock ran its own code; "granted": --grant-locks */
  lockCode: 'real' | 'granted';
  shard?: ShardReport;
}

/** `replay --json`, exactly: { reproduced, violation } */
export interface ReplayJson {
  reproduced: boolean;
  violation: Finding | null;
}

export function exploreJson(r: ExploreReport): ExploreJson {
  const { found, schedule, minimal, iterations, elapsedMs, violation, exhaustive, traces, sleepBlocked } = r;
  const j: ExploreJson = { found, schedule, minimal, iterations, elapsedMs: Math.round(elapsedMs), violation, exhaustive, traces, sleepBlocked, lockCode: r.lockCode };
  if (r.shard) j.shard = r.shard;
  return j;
}

export function replayJson(r: ReplayReport): ReplayJson {
  return { reproduced: r.reproduced, violation: r.violation };
}

export function formatFinding(f: Finding): string {
  return `${f.kind}: ${f.message}${f.actor ? ` (actor ${f.actor}${f.op ? `, ${f.op}` : ''})` : f.op ? ` (${f.op})` : ''}`;
}

/** The one-line summary of a found violation or forbidden outcome, or null for a clean search. */
export function exploreFinding(r: ExploreReport): string | null {
  return r.found && r.violation ? `found after ${r.iterations} schedule(s): ${formatFinding(r.violation)}` : null;
}

/** What a clean verdict does not cover: explore grants every lock itself (ControlledLock). */
export const LOCKS_GRANTED = 'locks were granted by the scheduler: no lock\'s own code was explored (`npx tsync-lab locks --prove KIND|./lock.mjs` explores it)';

/** The report explore prints on stdout; `file` is the FILE argument as given (for the replay line), undefined for the stress workload. */
export function formatExplore(report: ExploreReport, file: string | undefined): string {
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
    out.push(`replay it: npx tsync-lab replay ${file ? `${file} ` : ''}${report.minimal}${report.replayFlags ? ` ${report.replayFlags}` : ''}`);
  } else if (report.exhaustive) {
    // dpor ran to its end
    out.push(`search: ${report.summary} (${Math.round(report.elapsedMs)} ms, ${rate} executions/s)`);
    printOutcomes(report, out);
    out.push(`exhaustive: ${report.traces} traces, clean${report.shard ? ` (shard ${report.shard.index}/${report.shard.count}: merge every shard's --json with tsync-lab merge)` : ''}`);
    if (report.lockCode === 'granted') out.push(LOCKS_GRANTED);
  } else {
    out.push(`${report.summary} (${Math.round(report.elapsedMs)} ms, ${rate} schedules/s)${report.interrupted ? ' — interrupted' : ''}`);
    printOutcomes(report, out);
    out.push('no violation, no forbidden outcome');
    if (report.lockCode === 'granted') out.push(LOCKS_GRANTED);
  }
  return out.join('\n');
}

function printOutcomes(report: { outcomes: ExploreReport['outcomes'] }, out: string[]): void {
  if (report.outcomes.length) {
    out.push('outcomes:');
    for (const c of [...report.outcomes].sort((a, b) => b.count - a.count)) out.push(`  ${String(c.count).padStart(8)}  ${c.expect.padEnd(11)}  ${c.line}${c.desc ? `   (${c.desc})` : ''}`);
  }
}
