/**
 * The stress runner (main thread): builds the shared world, starts one piscina
 * worker per simulated CPU, watches them (progress, stop-the-world audits,
 * livelock watchdog, SIGINT), then tears every group down and checks for leaks.
 */
import * as hdr from 'hdr-histogram-js';
import { HDR, Layout, WORKER, GROUP, TSTATE } from '../shared/layout.ts';
import { createNatives } from '../locks/lockset.ts';
import { preloadUserLocks, userLockWhere } from '../locks/user.ts';
import { makeCtx } from '../seccomp/world.ts';
import { createProcess } from '../seccomp/process.ts';
import { exitThread } from '../seccomp/exit.ts';
import { forEachThread, stateOf } from '../seccomp/task.ts';
import { audit } from '../seccomp/audit.ts';
import { ListReporter, type Violation } from '../seccomp/violations.ts';
import { workerPool } from '../workers/pool.ts';
import type { StressWorkerResult } from '../workers/stress-worker.ts';
import { OP_KINDS } from './mix.ts';
import { C } from './counters.ts';
import { sizesFor, type StressConfig } from './config.ts';
import { shouldStop, traceAll } from './worker-reporter.ts';
import { newLatencyHistogram } from './histogram.ts';
import { buildReport, type StressReport, type Totals } from './report.ts';

export interface StressIo {
  /** a progress line (every second) */
  progress?: (t: Totals, elapsedMs: number) => void;
  /** set to request an early, clean stop (SIGINT) */
  interrupted?: () => boolean;
}

const TICK_MS = 25;

export function readTotals(m: Int32Array, L: Layout, workers: number): Totals {
  const sum = (k: number) => {
    let s = 0;
    for (let w = 0; w < workers; w++) s += Atomics.load(m, L.counter(w, k));
    return s;
  };
  const ops: Record<string, number> = {};
  OP_KINDS.forEach((k, i) => (ops[k] = sum(i)));
  return {
    ops,
    total: OP_KINDS.reduce((a, _, i) => a + sum(i), 0),
    tsyncOk: sum(C.TSYNC_OK),
    tsyncFailed: { tid: sum(C.TSYNC_FAIL_TID), esrch: sum(C.TSYNC_FAIL_ESRCH), enomem: sum(C.TSYNC_FAIL_ENOMEM), eacces: sum(C.TSYNC_FAIL_EACCES), other: sum(C.TSYNC_FAIL_OTHER) },
    attachOk: sum(C.ATTACH_OK),
    attachFailed: sum(C.ATTACH_FAIL),
    syncOk: sum(C.SYNC_OK),
    syncFailed: sum(C.SYNC_FAIL),
    clones: sum(C.CLONE_OK),
    cloneFailed: sum(C.CLONE_FAIL),
    exits: sum(C.EXITS),
    groupsReplaced: sum(C.GROUPS_REPLACED),
    syscallNodes: sum(C.SYSCALL_NODES),
    violations: Atomics.load(m, HDR.VIOLATIONS),
  };
}

export async function runStress(cfg: StressConfig, io: StressIo = {}): Promise<StressReport> {
  const sizes = sizesFor(cfg);
  const L = new Layout({ ...sizes, groups: cfg.groups, workers: cfg.workers + 1, ringSize: 64, extraLocks: 0, scratchWords: 0 });
  const m = L.create();
  const natives = createNatives(L, cfg.locks);
  await preloadUserLocks(Object.values(cfg.locks)); // user lock modules: bad ones are a UsageError here
  const mainW = cfg.workers; // the main thread's worker slot (setup, audits, teardown)
  const mainReporter = new ListReporter(mainW);
  const mainCtx = makeCtx(m, mainW, { design: cfg.design, bug: cfg.bug, scope: cfg.scope, plan: cfg.locks, lockOptions: { watchdogMs: cfg.watchdogMs, maxBackoff: 1024 }, natives, checking: cfg.checking, reporter: mainReporter });
  const initial = Math.max(1, Math.round((cfg.threadsLow + cfg.threadsHigh) / 2));
  for (let g = 0; g < cfg.groups; g++) createProcess(mainCtx, { group: g, threads: initial, privileged: false });

  const violations: Violation[] = [];
  const addViolation = (v: Violation) => {
    Atomics.add(m, HDR.VIOLATIONS, 1);
    violations.push({ ...v, seed: cfg.seed, atMs: v.atMs ?? performance.timeOrigin + performance.now(), trace: v.trace ?? traceAll(m, L, Math.max(0, v.worker)) });
    if (shouldStop(Atomics.load(m, HDR.VIOLATIONS), v.kind, cfg.maxViolations, cfg.stopOn)) Atomics.compareExchange(m, HDR.STOP, 0, 1);
  };

  const pool = workerPool(new URL('../workers/stress-worker.ts', import.meta.url), cfg.workers);
  const launched = performance.now();
  let started = Infinity; // the clock starts when every worker is in its loop
  const results: (StressWorkerResult | null)[] = new Array(cfg.workers).fill(null);
  const crashes: { worker: number; message: string; op: string; tid: number; stack: string }[] = [];
  let settled = 0;
  const runs = Array.from({ length: cfg.workers }, (_, w) =>
    pool.run({ m, cfg, worker: w, natives }).then(
      (r: StressWorkerResult) => {
        results[w] = r;
        if (r.crash) crashes.push({ worker: w, ...r.crash });
      },
      (e: unknown) => {
        if (abandoned) return; // ended by pool.destroy() after the abandon below, which accounts for it
        const err = e instanceof Error ? e : new Error(String(e));
        crashes.push({ worker: w, message: err.message, op: '?', tid: 0, stack: err.stack ?? '' });
        Atomics.store(m, HDR.STOP, 2);
      },
    ).finally(() => settled++),
  );

  let audits = 0;
  let lastProgress = launched;
  let lastAudit = launched;
  let stopAt = Infinity;
  let interruptedFlag = false;
  let abandoned = false;
  const seq = new Int32Array(cfg.workers);
  const seqAt = new Float64Array(cfg.workers).fill(launched);

  const runAudit = (): void => {
    Atomics.store(m, HDR.AUDIT_REQ, 1);
    const deadline = performance.now() + 2000;
    let ok = false;
    for (let n = 0; ; n++) {
      const active = Atomics.load(m, HDR.ACTIVE);
      if (Atomics.load(m, HDR.BARRIER_HOLD) >= active) {
        ok = active > 0;
        break;
      }
      if (Atomics.load(m, HDR.STOP) !== 0 || (n % 256 === 0 && performance.now() > deadline)) break;
    }
    if (ok) {
      audits++;
      for (const v of audit(m, L).violations) addViolation({ ...v, op: 'audit' });
    }
    Atomics.store(m, HDR.AUDIT_REQ, 0);
    const until = performance.now() + 2000;
    while (Atomics.load(m, HDR.BARRIER_HOLD) > 0 && performance.now() < until);
    // the livelock clock does not run while workers were parked
    const now = performance.now();
    seqAt.fill(now);
  };

  while (settled < cfg.workers) {
    await new Promise((r) => setTimeout(r, TICK_MS));
    const now = performance.now();
    if (started === Infinity) {
      if (Atomics.load(m, HDR.STARTED) >= cfg.workers || settled > 0) {
        started = now;
        Atomics.store(m, HDR.GO, 1);
        Atomics.notify(m, HDR.GO);
        lastProgress = lastAudit = now;
        seqAt.fill(now);
      } else if (now - launched > 60_000) {
        Atomics.store(m, HDR.STOP, 2);
        Atomics.notify(m, HDR.GO);
      }
      continue;
    }
    const elapsed = now - started;
    if (Atomics.load(m, HDR.STOP) === 0 && (elapsed >= cfg.durationMs || io.interrupted?.())) {
      interruptedFlag = !!io.interrupted?.() && elapsed < cfg.durationMs;
      Atomics.store(m, HDR.STOP, 1);
    }
    if (Atomics.load(m, HDR.STOP) !== 0 && stopAt === Infinity) stopAt = now;
    if (Atomics.load(m, HDR.STOP) === 0 && cfg.auditEveryMs > 0 && now - lastAudit >= cfg.auditEveryMs) {
      runAudit();
      lastAudit = performance.now();
    }
    if (now - lastProgress >= 1000) {
      lastProgress = now;
      io.progress?.(readTotals(m, L, cfg.workers), elapsed);
    }
    // livelock watchdog: an op that makes no progress
    for (let w = 0; w < cfg.workers; w++) {
      if (results[w]) continue;
      const s = Atomics.load(m, L.worker(w) + WORKER.OP_SEQ);
      if (s !== seq[w]) {
        seq[w] = s;
        seqAt[w] = now;
      } else if (Atomics.load(m, L.worker(w) + WORKER.OP) !== 0 && now - seqAt[w]! > cfg.livelockMs) {
        const op = OP_KINDS[Atomics.load(m, L.worker(w) + WORKER.OP) - 1] ?? '?';
        const tid = Atomics.load(m, L.worker(w) + WORKER.OP_TASK);
        addViolation({ kind: 'livelock', message: `worker ${w}: ${op} by thread ${tid} has not finished after ${Math.round(now - seqAt[w]!)} ms${userLockWhere(m, L, w, cfg.locks)}`, worker: w, tasks: [tid], nodes: [], op });
        seqAt[w] = Infinity;
        Atomics.store(m, HDR.STOP, 2);
      }
    }
    // workers that do not come back after a stop are abandoned (pool destroyed)
    if (stopAt !== Infinity && now - stopAt > cfg.watchdogMs + cfg.livelockMs + 2000) {
      abandoned = true;
      break;
    }
  }
  // a run that ended before every worker was in its loop is timed from the launch
  const durationMs = Math.max(1, performance.now() - (started === Infinity ? launched : started));
  if (abandoned) {
    // a worker the livelock watchdog already reported is explained (e.g. stuck in a user lock), not a lab fault
    for (let w = 0; w < cfg.workers; w++) if (!results[w] && !violations.some((v) => v.kind === 'livelock' && v.worker === w)) crashes.push({ worker: w, message: 'worker did not stop (abandoned)', op: OP_KINDS[Atomics.load(m, L.worker(w) + WORKER.OP) - 1] ?? '?', tid: Atomics.load(m, L.worker(w) + WORKER.OP_TASK), stack: '' });
  } else await Promise.allSettled(runs);
  await pool.destroy();

  for (const r of results) if (r) violations.push(...r.violations);
  // the end: a last quiescent audit, then every group exits and nothing may be left
  let leakChecked = false;
  const clean = crashes.length === 0 && !abandoned && !violations.some((v) => v.kind === 'deadlock' || v.kind === 'livelock');
  if (clean) {
    audits++;
    for (const v of audit(m, L).violations) addViolation({ ...v, op: 'final audit' });
    try {
      mainCtx.op = 'teardown';
      for (let g = 0; g < cfg.groups; g++) {
        const alive: number[] = [];
        if (Atomics.load(m, L.group(g) + GROUP.STATE) === 0) continue;
        mainCtx.lock(L.siglock(g), () => forEachThread(mainCtx, g, (t) => void (stateOf(mainCtx, t) === TSTATE.ALIVE && alive.push(t))));
        for (const t of alive) exitThread(mainCtx, t);
      }
      const fin = audit(m, L, { expectEmpty: true });
      audits++;
      leakChecked = true;
      for (const v of fin.violations) addViolation({ ...v, op: 'leak check' });
    } catch (e) {
      crashes.push({ worker: mainW, message: `teardown: ${(e as Error).message}`, op: 'teardown', tid: 0, stack: (e as Error).stack ?? '' });
    }
  }
  for (const v of mainReporter.list) addViolation(v);

  let latency: hdr.Histogram | null = null;
  if (cfg.latency) {
    latency = newLatencyHistogram();
    for (const r of results) if (r?.latency) latency.add(hdr.decodeFromCompressedBase64(r.latency));
  }
  const firstAt = Math.min(...violations.map((v) => v.atMs ?? Infinity));
  const firstViolationMs = Number.isFinite(firstAt) && started !== Infinity ? Math.max(0, Math.round((firstAt - (performance.timeOrigin + started)) * 10) / 10) : null;
  return buildReport({ cfg, m, L, durationMs, firstViolationMs, totals: readTotals(m, L, cfg.workers), violations, audits, crashes, interrupted: interruptedFlag, leakChecked, latency, perWorkerOps: results.map((r) => r?.ops ?? 0) });
}
