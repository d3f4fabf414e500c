/**
 * Summaries over repeats and over axes: medians with min–max, and TSYNC latency
 * merged exactly by adding the runs' HDR histograms (a median of p99s is not a
 * p99 of anything).
 */
import { latencySummary } from '../stress/report.ts';
import * as hdr from 'hdr-histogram-js';
import type { Axis } from './axes.ts';
import { newLatencyHistogram } from '../shared/histogram.ts';
import { median } from '../shared/stats.ts';
import type { AxisRow, CellRetry, CellStatus, CellSummary, CellResult, LatencySummary, RetryPerSuccess, RunResult, Stat } from './types.ts';
import { CALLER_LOOPS } from '../seccomp/retry.ts';

export function stat(xs: number[]): Stat {
  if (!xs.length) return { median: 0, min: 0, max: 0 };
  return { median: round(median(xs)), min: round(Math.min(...xs)), max: round(Math.max(...xs)) };
}

const round = (x: number) => Math.round(x * 1000) / 1000;


/** A histogram's latency summary (the stress report's own). */
export const summarizeHistogram = latencySummary;

/** One latency summary for several runs, from their histograms added together. */
export function mergeLatency(parts: (LatencySummary | null)[]): LatencySummary | null {
  const present = parts.filter((p): p is LatencySummary => p !== null);
  if (!present.length) return null;
  const total = newLatencyHistogram();
  for (const p of present) {
    const h = hdr.decodeFromCompressedBase64(p.histogram);
    total.add(h);
    h.destroy();
  }
  const s = summarizeHistogram(total);
  total.destroy();
  return s;
}

function cellStatus(runs: RunResult[]): CellStatus {
  if (runs.some((r) => r.crash !== null || r.exitCode === 3)) return 'crashed';
  return runs.some((r) => r.violationCount > 0) ? 'violations' : 'clean';
}

function keysOf(records: Record<string, unknown>[]): string[] {
  return [...new Set(records.flatMap((r) => Object.keys(r)))];
}

/** The caller loops of a cell's runs: counts summed, attempts and time-to-success histograms added. */
export function summarizeRetry(runs: RunResult[], design: string): CellRetry | null {
  const rs = runs.flatMap((r) => (r.retry ? [r.retry] : []));
  if (!rs.length) return null;
  const loops = { started: 0, succeeded: 0, gaveUp: 0, gaveUpOnError: 0, abandoned: 0, unfinished: 0 };
  for (const r of rs) for (const k of Object.keys(loops) as (keyof typeof loops)[]) loops[k] += r.loops[k];
  const ended = loops.succeeded + loops.gaveUp + loops.gaveUpOnError;
  const attempts = newLatencyHistogram();
  for (const r of rs) {
    if (!r.attemptsHistogram) continue;
    const h = hdr.decodeFromCompressedBase64(r.attemptsHistogram);
    attempts.add(h);
    h.destroy();
  }
  const attemptsPerSuccess = attempts.totalCount
    ? { p50: attempts.getValueAtPercentile(50), p99: attempts.getValueAtPercentile(99), max: attempts.maxValue, mean: round(attempts.mean) }
    : null;
  attempts.destroy();
  let perSuccess: RetryPerSuccess | null = null;
  const weighted = rs.filter((r) => r.perSuccess && r.loops.succeeded > 0);
  if (weighted.length) {
    const w = weighted.reduce((a, r) => a + r.loops.succeeded, 0);
    const avg = (k: keyof RetryPerSuccess) => round(weighted.reduce((a, r) => a + r.perSuccess![k] * r.loops.succeeded, 0) / w);
    perSuccess = { callerFilters: avg('callerFilters'), otherThreadFilters: avg('otherThreadFilters'), otherThreadFiltersMax: Math.max(...weighted.map((r) => r.perSuccess!.otherThreadFiltersMax)), otherThreads: avg('otherThreads'), composedThreads: avg('composedThreads') };
  }
  return {
    canFail: CALLER_LOOPS[design]?.retries ?? true,
    loops,
    giveUpRate: ended ? round((loops.gaveUp + loops.gaveUpOnError) / ended) : 0,
    attemptsPerSuccess,
    timeToSuccess: mergeLatency(rs.map((r) => r.timeToSuccess)),
    perSuccess,
  };
}

export function summarizeCell(runs: RunResult[], design?: string): CellSummary {
  const byKind: Record<string, Stat> = {};
  for (const k of keysOf(runs.map((r) => r.opsPerSecondByKind))) byKind[k] = stat(runs.map((r) => r.opsPerSecondByKind[k] ?? 0));
  const locks: CellSummary['locks'] = {};
  for (const role of keysOf(runs.map((r) => r.locks))) {
    locks[role] = {
      contentionRate: stat(runs.map((r) => r.locks[role]?.contentionRate ?? 0)),
      maxWaitUs: Math.max(0, ...runs.map((r) => r.locks[role]?.maxWaitUs ?? 0)),
    };
  }
  return {
    status: cellStatus(runs),
    opsPerSecond: stat(runs.map((r) => r.opsPerSecond)),
    opsPerSecondByKind: byKind,
    latency: mergeLatency(runs.map((r) => r.latency)),
    locks,
    fairness: { minMaxRatio: stat(runs.map((r) => r.fairness.minMaxRatio)) },
    violationCount: runs.reduce((a, r) => a + r.violationCount, 0),
    violationKinds: [...new Set(runs.flatMap((r) => r.violations.map((v) => v.kind)))],
    ...retryOf(runs, design),
  };
}

function retryOf(runs: RunResult[], design: string | undefined): { retry?: CellRetry } {
  const retry = design === undefined ? null : summarizeRetry(runs, design);
  return retry ? { retry } : {};
}

/**
 * The table of one axis: each value's row pools every run of every cell with that
 * value (the other axes vary inside the row, hence min–max next to the median).
 */
function axisRows(axis: Axis, cells: CellResult[]): AxisRow[] {
  return axis.values.map((value) => {
    const mine = cells.filter((c) => c.coords[axis.name] === value);
    const runs = mine.flatMap((c) => c.runs);
    const p99s = runs.flatMap((r) => (r.latency ? [r.latency.p99Us] : []));
    const contentionRate: Record<string, Stat> = {};
    for (const role of keysOf(runs.map((r) => r.locks))) contentionRate[role] = stat(runs.map((r) => r.locks[role]?.contentionRate ?? 0));
    return {
      value,
      cells: mine.length,
      runs: runs.length,
      opsPerSecond: stat(runs.map((r) => r.opsPerSecond)),
      tsyncPerSecond: stat(runs.map((r) => r.opsPerSecondByKind['tsync'] ?? 0)),
      tsyncP99Us: p99s.length ? stat(p99s) : null,
      contentionRate,
      violationCount: runs.reduce((a, r) => a + r.violationCount, 0),
    };
  });
}

export function byAxis(axes: Axis[], cells: CellResult[]): Record<string, AxisRow[]> {
  return Object.fromEntries(axes.map((a) => [a.name, axisRows(a, cells)]));
}
