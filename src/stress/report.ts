/**
 * The stress report: what the run did and found. `--json FILE` writes it
 * (versioned, documented in docs/stress-report.md, schema below) atomically.
 * Other tools read it: keep the top-level keys.
 */
import * as hdr from 'hdr-histogram-js';
import type { Finding } from '../shared/finding.ts';
import type { Layout } from '../shared/layout.ts';
import { readLockStats } from '../locks/lock.ts';
import { roleOf, LOCK_ROLES } from '../locks/kinds.ts';
import type { Violation } from '../seccomp/violations.ts';
import { formatMix } from './mix.ts';
import type { StressConfig } from './config.ts';

export const REPORT_VERSION = 1;

export interface Totals {
  ops: Record<string, number>;
  total: number;
  tsyncOk: number;
  tsyncFailed: { tid: number; esrch: number; enomem: number; eacces: number; other: number };
  attachOk: number;
  attachFailed: number;
  syncOk: number;
  syncFailed: number;
  clones: number;
  cloneFailed: number;
  exits: number;
  groupsReplaced: number;
  syscallNodes: number;
  violations: number;
  retry: RetryTotals;
}

/** The tsync_retry counters summed over the workers (src/stress/counters.ts). */
export interface RetryTotals {
  started: number;
  succeeded: number;
  gaveUp: number;
  gaveUpErrno: number;
  abandoned: number;
  attempts: number;
  killMarks: number;
  killedNow: number;
  callerAdded: number;
  othersAdded: number;
  others: number;
  othersMax: number;
  composed: number;
  divergeAttaches: number;
  lifetimeExits: number;
}

/** The caller loops of a run (`tsync_retry`), documented in docs/stress-report.md. */
export interface RetryReport {
  policy: string;
  limit: number;
  diverge: number;
  lifetime: number;
  loops: {
    started: number;
    succeeded: number;
    /** after --retry-limit attempts */
    gaveUp: number;
    /** at once, on an error retrying cannot fix (ENOMEM, EACCES, ...) */
    gaveUpOnError: number;
    /** the caller exited (killed by another loop, or its lifetime ended) */
    abandoned: number;
    /** still running when the run stopped */
    unfinished: number;
  };
  attempts: number;
  /** attempts per successful loop (null: no success) */
  attemptsPerSuccess: { p50: number; p99: number; max: number; mean: number; histogram: string } | null;
  /** start of the loop to its success (HDR histogram, ns; summaries in us) */
  timeToSuccess: LatencySummary | null;
  perSuccess: {
    /** nodes with the loop's filter on the caller's chain */
    callerFilters: number;
    /** nodes with the loop's filter on each other live thread's chain (mean, max) */
    otherThreadFilters: number;
    otherThreadFiltersMax: number;
    /** other live threads */
    otherThreads: number;
    /** other threads that got a composed node of their own (force-compose) */
    composedThreads: number;
  } | null;
  kill: { marked: number; exitedAtOnce: number };
  /** --diverge: private filters attached; --lifetime: threads ended */
  divergeAttaches: number;
  lifetimeExits: number;
}

/** A latency distribution from an HDR histogram (microseconds). */
export interface LatencySummary {
  count: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  meanUs: number;
  /** the HDR histogram itself (ns; hdr-histogram-js compressed base64), so runs can be merged exactly */
  histogram: string;
}

export interface RoleStats {
  acquisitions: number;
  contended: number;
  contentionRate: number;
  spins: number;
  maxWaitUs: number;
}

/** A worker that threw something that is not a finding: a finding whose kind is implicit (the report's `crash` list). */
export interface Crash extends Omit<Finding, 'kind'> {
  worker: number;
  op: string;
  tid: number;
  stack: string;
}

export interface StressReport {
  version: number;
  seed: number;
  config: {
    design: string;
    bug: string | null;
    scope: string;
    workers: number;
    groups: number;
    threads: { low: number; high: number };
    mix: Record<string, number>;
    locks: Record<string, string>;
    noise: number;
    lockdep: boolean;
    durationMs: number;
    /** --ops: the budget of operations (0: none) */
    opsBudget: number;
    maxViolations: number;
    stopOn: string[] | null;
  };
  durationMs: number;
  ops: Record<string, number>;
  opsPerSecond: number;
  tsync: { ok: number; failed: number; failedBy: Totals['tsyncFailed'] };
  clone: { ok: number; failed: number };
  exits: number;
  groupsReplaced: number;
  locks: Record<string, RoleStats>;
  audits: number;
  leakChecked: boolean;
  latency: { tsync: LatencySummary } | null;
  /** tsync_retry caller loops; null when the mix has none and no divergence knob is set */
  retry: RetryReport | null;
  fairness: { perWorkerOps: number[]; minMaxRatio: number };
  violations: Violation[];
  violationCount: number;
  /** ms from the start of the run to the first violation (null if none): time-to-detect */
  firstViolationMs: number | null;
  crash: Crash[] | null;
  interrupted: boolean;
  exitCode: number;
}

export function lockStatsByRole(m: Int32Array, L: Layout): Record<string, RoleStats> {
  const out: Record<string, RoleStats> = {};
  for (const r of LOCK_ROLES) out[r] = { acquisitions: 0, contended: 0, contentionRate: 0, spins: 0, maxWaitUs: 0 };
  for (let id = 0; id < L.nLocks; id++) {
    const role = roleOf(L, id);
    if (role === 'extra') continue;
    const s = readLockStats(m, L, id);
    const o = out[role]!;
    o.acquisitions += s.acquisitions;
    o.contended += s.contended;
    o.spins += s.spins;
    o.maxWaitUs = Math.max(o.maxWaitUs, s.maxWaitUs);
  }
  for (const o of Object.values(out)) o.contentionRate = o.acquisitions ? o.contended / o.acquisitions : 0;
  return out;
}

export function buildReport(a: {
  cfg: StressConfig;
  m: Int32Array;
  L: Layout;
  durationMs: number;
  firstViolationMs: number | null;
  totals: Totals;
  violations: Violation[];
  audits: number;
  crashes: Crash[];
  interrupted: boolean;
  leakChecked: boolean;
  latency: hdr.Histogram | null;
  retry?: { attempts: hdr.Histogram; timeToSuccess: hdr.Histogram } | null;
  perWorkerOps: number[];
}): StressReport {
  const { cfg, totals } = a;
  const failed = Object.values(totals.tsyncFailed).reduce((x, y) => x + y, 0);
  const us = (ns: number) => Math.round(ns / 10) / 100;
  const min = Math.min(...a.perWorkerOps);
  const max = Math.max(...a.perWorkerOps);
  const exitCode = a.crashes.length ? 3 : a.violations.length ? 1 : 0;
  return {
    version: REPORT_VERSION,
    seed: cfg.seed,
    config: {
      design: cfg.design,
      bug: cfg.bug,
      scope: cfg.scope,
      workers: cfg.workers,
      groups: cfg.groups,
      threads: { low: cfg.threadsLow, high: cfg.threadsHigh },
      mix: Object.fromEntries(formatMix(cfg.mix).split(',').filter(Boolean).map((p) => [p.split('=')[0]!, Number(p.split('=')[1])])),
      locks: { ...cfg.locks },
      noise: cfg.noise,
      lockdep: cfg.lockdep,
      durationMs: cfg.durationMs,
      opsBudget: cfg.opsBudget,
      maxViolations: cfg.maxViolations,
      stopOn: cfg.stopOn,
    },
    durationMs: Math.round(a.durationMs),
    ops: totals.ops,
    opsPerSecond: Math.round(totals.total / (a.durationMs / 1000)),
    tsync: { ok: totals.tsyncOk, failed, failedBy: totals.tsyncFailed },
    clone: { ok: totals.clones, failed: totals.cloneFailed },
    exits: totals.exits,
    groupsReplaced: totals.groupsReplaced,
    locks: lockStatsByRole(a.m, a.L),
    audits: a.audits,
    leakChecked: a.leakChecked,
    latency: a.latency
      ? {
          tsync: {
            count: a.latency.totalCount,
            p50Us: us(a.latency.getValueAtPercentile(50)),
            p90Us: us(a.latency.getValueAtPercentile(90)),
            p99Us: us(a.latency.getValueAtPercentile(99)),
            maxUs: us(a.latency.maxValue),
            meanUs: us(a.latency.mean),
            histogram: hdr.encodeIntoCompressedBase64(a.latency),
          },
        }
      : null,
    retry: a.retry ? retryReport(cfg, totals.retry, a.retry) : null,
    fairness: { perWorkerOps: a.perWorkerOps, minMaxRatio: max > 0 ? Math.round((min / max) * 1000) / 1000 : 0 },
    violations: a.violations,
    violationCount: Math.max(a.violations.length, totals.violations),
    firstViolationMs: a.firstViolationMs,
    crash: a.crashes.length ? a.crashes : null,
    interrupted: a.interrupted,
    exitCode,
  };
}

export function latencySummary(h: hdr.Histogram): LatencySummary {
  const us = (ns: number) => Math.round(ns / 10) / 100;
  return {
    count: h.totalCount,
    p50Us: us(h.getValueAtPercentile(50)),
    p90Us: us(h.getValueAtPercentile(90)),
    p99Us: us(h.getValueAtPercentile(99)),
    maxUs: us(h.maxValue),
    meanUs: us(h.mean),
    histogram: hdr.encodeIntoCompressedBase64(h),
  };
}

function retryReport(cfg: StressConfig, t: RetryTotals, h: { attempts: hdr.Histogram; timeToSuccess: hdr.Histogram }): RetryReport {
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const ok = t.succeeded;
  return {
    policy: cfg.retryPolicy,
    limit: cfg.retryLimit,
    diverge: cfg.diverge,
    lifetime: cfg.lifetime,
    loops: {
      started: t.started,
      succeeded: ok,
      gaveUp: t.gaveUp,
      gaveUpOnError: t.gaveUpErrno,
      abandoned: t.abandoned,
      unfinished: Math.max(0, t.started - ok - t.gaveUp - t.gaveUpErrno - t.abandoned),
    },
    attempts: t.attempts,
    attemptsPerSuccess: h.attempts.totalCount
      ? { p50: h.attempts.getValueAtPercentile(50), p99: h.attempts.getValueAtPercentile(99), max: h.attempts.maxValue, mean: r3(h.attempts.mean), histogram: hdr.encodeIntoCompressedBase64(h.attempts) }
      : null,
    timeToSuccess: h.timeToSuccess.totalCount ? latencySummary(h.timeToSuccess) : null,
    perSuccess: ok
      ? {
          callerFilters: r3(t.callerAdded / ok),
          otherThreadFilters: t.others ? r3(t.othersAdded / t.others) : 0,
          otherThreadFiltersMax: t.othersMax,
          otherThreads: r3(t.others / ok),
          composedThreads: r3(t.composed / ok),
        }
      : null,
    kill: { marked: t.killMarks, exitedAtOnce: t.killedNow },
    divergeAttaches: t.divergeAttaches,
    lifetimeExits: t.lifetimeExits,
  };
}

const fmtN = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n));

export function formatProgress(t: Totals, elapsedMs: number, totalMs: number, lastTotal: number, dtMs: number): string {
  const rate = dtMs > 0 ? ((t.total - lastTotal) / dtMs) * 1000 : 0;
  const failed = Object.values(t.tsyncFailed).reduce((x, y) => x + y, 0);
  return `[${(elapsedMs / 1000).toFixed(1)}s/${(totalMs / 1000).toFixed(1)}s] ${fmtN(Math.round(rate))} ops/s  tsync ok ${fmtN(t.tsyncOk)} failed ${fmtN(failed)}  clones ${fmtN(t.clones)}  exits ${fmtN(t.exits)}  violations ${t.violations}`;
}

export function formatSummary(r: StressReport): string {
  const L: string[] = [];
  const secs = r.durationMs / 1000;
  L.push(`design ${r.config.design}${r.config.bug ? `, bug ${r.config.bug}` : ''}, scope ${r.config.scope}, ${r.config.workers} workers, ${r.config.groups} groups, threads ${r.config.threads.low}..${r.config.threads.high}, seed ${r.seed}`);
  L.push(`ran ${secs.toFixed(2)} s: ${fmtN(Object.values(r.ops).reduce((a, b) => a + b, 0))} ops, ${fmtN(r.opsPerSecond)} ops/s${r.interrupted ? ' (interrupted)' : ''}`);
  L.push('ops:');
  for (const [k, v] of Object.entries(r.ops)) if (v) L.push(`  ${k.padEnd(12)} ${String(v).padStart(10)}  ${fmtN(Math.round(v / secs)).padStart(8)}/s`);
  const fb = r.tsync.failedBy;
  L.push(`tsync: ok ${r.tsync.ok}, failed ${r.tsync.failed} (ineligible thread ${fb.tid}, ESRCH ${fb.esrch}, ENOMEM ${fb.enomem}, EACCES ${fb.eacces}, other ${fb.other})`);
  L.push(`clone: ok ${r.clone.ok}, failed ${r.clone.failed}; exits ${r.exits}; groups replaced ${r.groupsReplaced}`);
  if (r.latency) {
    const l = r.latency.tsync;
    L.push(`tsync latency: p50 ${l.p50Us} us, p90 ${l.p90Us} us, p99 ${l.p99Us} us, max ${l.maxUs} us (${l.count} samples)`);
  }
  if (r.retry) L.push(...formatRetry(r.retry));
  L.push('locks:                acquisitions  contended  rate    longest wait');
  for (const [role, s] of Object.entries(r.locks)) {
    if (!s.acquisitions) continue;
    L.push(`  ${role.padEnd(12)} ${String(s.acquisitions).padStart(18)} ${String(s.contended).padStart(10)}  ${(s.contentionRate * 100).toFixed(1).padStart(5)}%  ${s.maxWaitUs} us`);
  }
  L.push(`fairness: ops per worker ${r.fairness.perWorkerOps.join(', ')} (min/max ${r.fairness.minMaxRatio})`);
  L.push(`audits: ${r.audits}${r.leakChecked ? ' (incl. final leak check)' : ''}`);
  L.push(`violations: ${r.violationCount}${r.firstViolationMs !== null ? ` (first after ${r.firstViolationMs} ms)` : ''}`);
  if (r.crash) for (const c of r.crash) L.push(`CRASH: worker ${c.worker} during ${c.op} (thread ${c.tid}): ${c.message}`);
  return L.join('\n') + '\n';
}

function formatRetry(x: RetryReport): string[] {
  const l = x.loops;
  const out = [`tsync_retry (policy ${x.policy}, limit ${x.limit}, diverge ${x.diverge}, lifetime ${x.lifetime || 'off'}): loops ${l.started}, succeeded ${l.succeeded}, gave up ${l.gaveUp} (+${l.gaveUpOnError} on an error), abandoned ${l.abandoned}, unfinished ${l.unfinished}`];
  if (x.attemptsPerSuccess) out.push(`  attempts per success: p50 ${x.attemptsPerSuccess.p50}, p99 ${x.attemptsPerSuccess.p99}, max ${x.attemptsPerSuccess.max}`);
  if (x.timeToSuccess) out.push(`  time to success: p50 ${x.timeToSuccess.p50Us} us, p99 ${x.timeToSuccess.p99Us} us, max ${x.timeToSuccess.maxUs} us`);
  if (x.perSuccess) {
    const p = x.perSuccess;
    out.push(`  per success: caller +${p.callerFilters} filter(s), each of ${p.otherThreads} other threads +${p.otherThreadFilters} (max ${p.otherThreadFiltersMax}), composed on ${p.composedThreads} thread(s)`);
  }
  if (x.kill.marked) out.push(`  kill: ${x.kill.marked} threads marked, ${x.kill.exitedAtOnce} exited at once`);
  if (x.divergeAttaches || x.lifetimeExits) out.push(`  divergence: ${x.divergeAttaches} private attaches, ${x.lifetimeExits} lifetimes ended`);
  return out;
}

export function formatViolation(v: Violation): string {
  const lines = [`VIOLATION ${v.kind} (worker ${v.worker}${v.op ? `, op ${v.op}` : ''}, seed ${v.seed ?? '?'})`, ...v.message.split('\n').map((l) => `  ${l}`)];
  if (v.tasks.length) lines.push(`  threads: ${v.tasks.join(', ')}`);
  if (v.nodes.length) lines.push(`  nodes: ${v.nodes.join(', ')}`);
  if (v.trace?.length) lines.push('  last events (worker#seq kind a b):', ...v.trace.map((t) => `    ${t}`));
  return lines.join('\n') + '\n';
}
