/**
 * The experiment result: the full matrix, as written by `--json FILE` and read by
 * the HTML report. A file format: documented in docs/experiment.md, schema in
 * schema.ts; new keys may be added, none removed or renamed without bumping version.
 */
import type { LatencySummary } from '../stress/report.ts';
import type { StressReport } from '../stress/report.ts';
import type { Axis } from './axes.ts';
import type { ShardInfo } from './shard.ts';

export const EXPERIMENT_VERSION = 1;

/** median and range of one quantity over several runs */
export interface Stat {
  median: number;
  min: number;
  max: number;
}

export type { LatencySummary };

export interface RunLockStats {
  acquisitions: number;
  contended: number;
  contentionRate: number;
  maxWaitUs: number;
}

/** One stress run of a cell. */
export interface RunResult {
  repeat: number;
  seed: number;
  durationMs: number;
  opsPerSecond: number;
  opsPerSecondByKind: Record<string, number>;
  tsync: { ok: number; failed: number };
  latency: LatencySummary | null;
  locks: Record<string, RunLockStats>;
  fairness: { perWorkerOps: number[]; minMaxRatio: number };
  violationCount: number;
  /** the first few, without traces (the stress report has those: replay the seed) */
  violations: { kind: string; message: string }[];
  crash: string | null;
  exitCode: number;
  /** share (0..1) of the machine's CPUs other processes used during the run (null: not measurable here) */
  otherCpu: number | null;
  /** the tsync_retry caller loops (the stress report's `retry`); absent or null when the run had none */
  retry?: RunRetry | null;
}

/** Per-success chain figures (the stress report's `retry.perSuccess`). */
export interface RetryPerSuccess {
  callerFilters: number;
  otherThreadFilters: number;
  otherThreadFiltersMax: number;
  otherThreads: number;
  composedThreads: number;
}

export interface RunRetry {
  policy: string;
  loops: { started: number; succeeded: number; gaveUp: number; gaveUpOnError: number; abandoned: number; unfinished: number };
  attempts: number;
  /** attempts per success, HDR histogram (compressed base64), null: no success */
  attemptsHistogram: string | null;
  timeToSuccess: LatencySummary | null;
  perSuccess: RetryPerSuccess | null;
}

/** A cell's caller loops over its repeats: counts summed, histograms merged. */
export interface CellRetry {
  /** false: the design's caller makes one call that divergence cannot fail (force-compose) */
  canFail: boolean;
  loops: RunRetry['loops'];
  /** given up (after the limit or on an error) / loops that ended (succeeded, gave up) */
  giveUpRate: number;
  attemptsPerSuccess: { p50: number; p99: number; max: number; mean: number } | null;
  timeToSuccess: LatencySummary | null;
  /** weighted by the runs' successes */
  perSuccess: RetryPerSuccess | null;
}

/** clean: no run found anything; violations: a checker fired (numbers not trustworthy); crashed: a worker died */
export type CellStatus = 'clean' | 'violations' | 'crashed';

export interface CellSummary {
  status: CellStatus;
  opsPerSecond: Stat;
  opsPerSecondByKind: Record<string, Stat>;
  /** from the runs' histograms merged into one */
  latency: LatencySummary | null;
  locks: Record<string, { contentionRate: Stat; maxWaitUs: number }>;
  fairness: { minMaxRatio: Stat };
  violationCount: number;
  violationKinds: string[];
  /** present when the cell's runs had tsync_retry loops */
  retry?: CellRetry;
}

export interface CellResult {
  index: number;
  /** `axis=value …`, or `base` when nothing is varied */
  label: string;
  coords: Record<string, string>;
  config: StressReport['config'];
  /** the stress command that runs this cell (add a run's `--seed`) */
  replay: string;
  runs: RunResult[];
  summary: CellSummary;
}

/** One row of the table of an axis: every run whose cell has this value. */
export interface AxisRow {
  value: string;
  cells: number;
  runs: number;
  opsPerSecond: Stat;
  tsyncPerSecond: Stat;
  tsyncP99Us: Stat | null;
  contentionRate: Record<string, Stat>;
  violationCount: number;
}

export interface ExperimentResult {
  version: typeof EXPERIMENT_VERSION;
  createdAt: string;
  /** the command line as given */
  command: string;
  preset: string | null;
  baseSeed: number;
  repeat: number;
  durationMs: number;
  host: { cpus: number; node: string; platform: string; arch: string };
  axes: Axis[];
  cells: CellResult[];
  byAxis: Record<string, AxisRow[]>;
  elapsedMs: number;
  interrupted: boolean;
  /** 0 every cell clean, 1 some cell found violations, 3 a worker crashed */
  exitCode: number;
  /** only in the result of `experiment --shard I/N`: which part of which matrix (merge removes it) */
  shard?: ShardInfo;
}
