/**
 * Running the matrix: every cell is `--repeat` stress runs of the stress engine,
 * in-process and one after another (parallel cells would fight over the same
 * cores and spoil each other's numbers), checkers on, TSYNC latency recorded.
 */
import { availableParallelism } from 'node:os';
import { otherCpuMeter } from './other-cpu.ts';
import { runStress, type StressIo } from '../stress/run.ts';
import type { StressReport } from '../stress/report.ts';
import type { Axis } from './axes.ts';
import { runSeed, replayCommand, type CellPlan } from './matrix.ts';
import { assembleResult } from './assemble.ts';
import type { ShardInfo } from './shard.ts';
import type { CellResult, ExperimentResult, RunResult } from './types.ts';

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
  /** set when this run is one shard of a bigger matrix (`cells` are then that shard's) */
  shard?: ShardInfo;
}

function toRunResult(r: StressReport, repeat: number, otherCpu: number | null = null): RunResult {
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
    otherCpu,
    retry: r.retry
      ? {
          policy: r.retry.policy,
          loops: { ...r.retry.loops },
          attempts: r.retry.attempts,
          attemptsHistogram: r.retry.attemptsPerSuccess?.histogram ?? null,
          timeToSuccess: r.retry.timeToSuccess,
          perSuccess: r.retry.perSuccess,
        }
      : null,
  };
}

/**
 * The order runs happen in: rounds of every cell once, odd rounds reversed. The
 * machine drifts during a matrix (other load, heat); run cell by cell, that drift
 * lands on the last cells and reads as an effect of their axis values. Back and
 * forth, every cell's runs sit at the same mean position and linear drift cancels.
 */
export function runOrder(cells: number, repeat: number): { cell: number; repeat: number }[] {
  const out: { cell: number; repeat: number }[] = [];
  for (let rep = 0; rep < repeat; rep++)
    for (let i = 0; i < cells; i++) out.push({ cell: rep % 2 ? cells - 1 - i : i, repeat: rep });
  return out;
}

export async function runExperiment(plan: ExperimentPlan, io: ExperimentIo = {}): Promise<ExperimentResult> {
  const started = performance.now();
  const order = runOrder(plan.cells.length, plan.repeat);
  const runs: RunResult[][] = plan.cells.map(() => []);
  const configs: (StressReport['config'] | null)[] = plan.cells.map(() => null);
  let interrupted = false;
  for (const [n, o] of order.entries()) {
    const cell = plan.cells[o.cell]!;
    const ev: RunEvent = { run: n, runs: order.length, cell, repeat: o.repeat, seed: runSeed(plan.baseSeed, cell.index, o.repeat) };
    io.runStart?.(ev);
    const meter = otherCpuMeter();
    const report = await runStress({ ...cell.config, seed: ev.seed, latency: true, checking: true }, { progress: io.stress, interrupted: io.interrupted });
    configs[o.cell] ??= report.config;
    // an interrupted run is short and not comparable: it is dropped, and the matrix ends
    if (report.interrupted) {
      interrupted = true;
      break;
    }
    const r = toRunResult(report, o.repeat, meter());
    runs[o.cell]!.push(r);
    io.runEnd?.(ev, r);
  }
  const cells: Omit<CellResult, 'summary'>[] = [];
  plan.cells.forEach((cell, i) => {
    const mine = runs[i]!;
    const config = configs[i];
    if (mine.length && config) cells.push({ index: cell.index, label: cell.label, coords: cell.coords, config, replay: replayCommand(cell.values, plan.duration), runs: mine });
  });
  return assembleResult(
    {
      createdAt: new Date().toISOString(),
      command: plan.command,
      preset: plan.preset,
      baseSeed: plan.baseSeed,
      repeat: plan.repeat,
      durationMs: plan.durationMs,
      host: { cpus: availableParallelism(), node: process.version, platform: process.platform, arch: process.arch },
      axes: plan.axes,
      elapsedMs: Math.round(performance.now() - started),
      interrupted,
      ...(plan.shard ? { shard: plan.shard } : {}),
    },
    cells,
  );
}
