/**
 * Running the matrix: every cell is `--repeat` stress runs of the stress engine,
 * in-process and one after another (parallel cells would fight over the same
 * cores and spoil each other's numbers), checkers on, TSYNC latency recorded.
 */
import { availableParallelism } from 'node:os';
import { runStress, type StressIo } from '../engine/stress.ts';
import type { StressReport } from '../engine/report.ts';
import type { Axis } from './axes.ts';
import { runSeed, replayCommand, type CellPlan } from './matrix.ts';
import { summarizeCell, byAxis } from './summary.ts';
import { EXPERIMENT_VERSION, type CellResult, type ExperimentResult, type RunResult } from './types.ts';

/** violations kept per run in the matrix (the stress report of a replay has them all) */
const KEEP_VIOLATIONS = 3;

export interface RunEvent {
  /** 0-based position of this run in the whole matrix */
  run: number;
  runs: number;
  cell: CellPlan;
  repeat: number;
  seed: number;
}

export interface ExperimentIo {
  runStart?: (e: RunEvent) => void;
  runEnd?: (e: RunEvent, r: RunResult) => void;
  /** the engine's once-a-second totals of the current run */
  stress?: StressIo['progress'];
  interrupted?: () => boolean;
}

export interface ExperimentPlan {
  command: string;
  preset: string | null;
  axes: Axis[];
  cells: CellPlan[];
  repeat: number;
  duration: string;
  durationMs: number;
  baseSeed: number;
}

export function toRunResult(r: StressReport, repeat: number): RunResult {
  // by kind as shares of the engine's total rate: consistent with it even when a run stopped within a millisecond
  const total = Object.values(r.ops).reduce((a, b) => a + b, 0);
  const locks: RunResult['locks'] = {};
  for (const [role, s] of Object.entries(r.locks)) locks[role] = { acquisitions: s.acquisitions, contended: s.contended, contentionRate: Math.round(s.contentionRate * 1e6) / 1e6, maxWaitUs: s.maxWaitUs };
  return {
    repeat,
    seed: r.seed,
    durationMs: r.durationMs,
    opsPerSecond: r.opsPerSecond,
    opsPerSecondByKind: Object.fromEntries(Object.entries(r.ops).map(([k, n]) => [k, total > 0 ? Math.round((n / total) * r.opsPerSecond) : 0])),
    tsync: { ok: r.tsync.ok, failed: r.tsync.failed },
    latency: r.latency ? { ...r.latency.tsync } : null,
    locks,
    fairness: { ...r.fairness },
    violationCount: r.violationCount,
    violations: r.violations.slice(0, KEEP_VIOLATIONS).map((v) => ({ kind: v.kind, message: v.message })),
    crash: r.crash ? r.crash.map((c) => `worker ${c.worker} during ${c.op}: ${c.message}`).join('; ') : null,
    exitCode: r.exitCode,
  };
}

export async function runExperiment(plan: ExperimentPlan, io: ExperimentIo = {}): Promise<ExperimentResult> {
  const started = performance.now();
  const total = plan.cells.length * plan.repeat;
  const cells: CellResult[] = [];
  let interrupted = false;
  let n = 0;
  for (const cell of plan.cells) {
    const runs: RunResult[] = [];
    let config: StressReport['config'] | null = null;
    for (let rep = 0; rep < plan.repeat && !interrupted; rep++) {
      const ev: RunEvent = { run: n++, runs: total, cell, repeat: rep, seed: runSeed(plan.baseSeed, cell.index, rep) };
      io.runStart?.(ev);
      const report = await runStress({ ...cell.config, seed: ev.seed, latency: true, checking: true }, { progress: io.stress, interrupted: io.interrupted });
      config ??= report.config;
      // an interrupted run is short and not comparable: it is not charted
      if (report.interrupted) interrupted = true;
      else {
        const r = toRunResult(report, rep);
        runs.push(r);
        io.runEnd?.(ev, r);
      }
    }
    if (runs.length && config) cells.push({ index: cell.index, label: cell.label, coords: cell.coords, config, replay: replayCommand(cell.values, plan.duration), runs, summary: summarizeCell(runs) });
    if (interrupted) break;
  }
  const statuses = cells.map((c) => c.summary.status);
  return {
    version: EXPERIMENT_VERSION,
    createdAt: new Date().toISOString(),
    command: plan.command,
    preset: plan.preset,
    baseSeed: plan.baseSeed,
    repeat: plan.repeat,
    durationMs: plan.durationMs,
    host: { cpus: availableParallelism(), node: process.version, platform: process.platform, arch: process.arch },
    axes: plan.axes,
    cells,
    byAxis: byAxis(plan.axes, cells),
    elapsedMs: Math.round(performance.now() - started),
    interrupted,
    exitCode: statuses.includes('crashed') ? 3 : statuses.includes('violations') ? 1 : 0,
  };
}
