/**
 * The stress runner (main thread). It owns the run, in shuttle's `runner.rs` spirit:
 *   1. the world (world.ts): the buffer, the first processes, the main context;
 *   2. the run (here): one worker thread per simulated CPU, the start gate, the tick loop;
 *   3. the monitors (monitors.ts): duration and SIGINT, audits, progress, livelock;
 *   4. the end (world.finish) and the report (report.ts).
 */
import * as hdr from 'hdr-histogram-js';
import { WORKER } from '../shared/layout.ts';
import { RUN } from './run-words.ts';
import { destroyPool, workerPool } from '../workers/pool.ts';
import type { StressWorkerResult } from './worker.ts';
import { OP_KINDS } from '../scenario/op-kinds.ts';
import type { StressConfig } from './config.ts';
import { newLatencyHistogram } from '../shared/histogram.ts';
import { buildReport, type StressReport } from './report.ts';
import { StressWorld } from './world.ts';
import { Monitors, type StressIo } from './monitors.ts';
import { readTotals } from './totals.ts';
import { preloadUserLocks } from '../locks/user.ts';

export type { StressIo } from './monitors.ts';
export { readTotals } from './totals.ts';

const TICK_MS = 25;
/** workers that have not all reached the start gate by then: the run is aborted */
const START_BOUND_MS = 60_000;

export async function runStress(cfg: StressConfig, io: StressIo = {}): Promise<StressReport> {
  await preloadUserLocks(Object.values(cfg.locks)); // user lock modules, before any handle is built: bad ones are a UsageError here
  const world = new StressWorld(cfg);
  const { m, r, L } = world;
  const monitors = new Monitors(world, io);

  const pool = workerPool(new URL('./worker.ts', import.meta.url), cfg.workers);
  const launched = performance.now();
  const results: (StressWorkerResult | null)[] = new Array(cfg.workers).fill(null);
  const finished: boolean[] = new Array(cfg.workers).fill(false);
  let settled = 0;
  const runs = Array.from({ length: cfg.workers }, (_, w) =>
    pool
      .run<StressWorkerResult>({ m, r, cfg, worker: w, natives: world.natives })
      .then(
        (r: StressWorkerResult) => {
          results[w] = r;
          if (r.crash) world.crashes.push({ worker: w, ...r.crash });
        },
        (e: unknown) => {
          if (abandoned) return; // ended by pool.destroy() after the abandon below, which accounts for it
          const err = e instanceof Error ? e : new Error(String(e));
          world.crashes.push({ worker: w, message: err.message, op: '?', tid: 0, stack: err.stack ?? '' });
          Atomics.store(r, RUN.STOP, 2);
        },
      )
      .finally(() => {
        finished[w] = true;
        settled++;
      }),
  );

  let started = Infinity; // the clock starts when every worker is in its loop
  let abandoned = false;
  while (settled < cfg.workers) {
    await new Promise((r) => setTimeout(r, TICK_MS));
    const now = performance.now();
    if (started === Infinity) {
      // the start gate: open it once every worker is in, so they begin together
      if (Atomics.load(r, RUN.STARTED) >= cfg.workers || settled > 0) {
        started = now;
        Atomics.store(r, RUN.GO, 1);
        Atomics.notify(r, RUN.GO);
        monitors.start(now);
      } else if (now - launched > START_BOUND_MS) {
        Atomics.store(r, RUN.STOP, 2);
        Atomics.notify(r, RUN.GO);
      }
      continue;
    }
    monitors.tick(now, now - started, finished);
    // workers that do not come back after a stop are abandoned (pool destroyed)
    if (monitors.stopAt !== Infinity && now - monitors.stopAt > cfg.watchdogMs + cfg.livelockMs + 2000) {
      abandoned = true;
      break;
    }
  }
  // a run that ended before every worker was in its loop is timed from the launch
  const durationMs = Math.max(1, performance.now() - (started === Infinity ? launched : started));
  if (abandoned) {
    // a worker the livelock watchdog already reported is explained (e.g. stuck in a user lock), not a lab fault
    for (let w = 0; w < cfg.workers; w++)
      if (!results[w] && !world.violations.some((v) => v.kind === 'livelock' && v.worker === w)) world.crashes.push({ worker: w, message: 'worker did not stop (abandoned)', op: OP_KINDS[Atomics.load(m, L.worker(w) + WORKER.OP) - 1] ?? '?', tid: Atomics.load(m, L.worker(w) + WORKER.OP_TASK), stack: '' });
  } else await Promise.allSettled(runs);
  await destroyPool(pool, abandoned ? 1000 : undefined); // abandoned workers are stuck: a short bound, then terminated

  for (const r of results) if (r) world.violations.push(...r.violations);
  const end = world.finish();

  let latency: hdr.Histogram | null = null;
  if (cfg.latency) {
    latency = newLatencyHistogram();
    for (const r of results) if (r?.latency) latency.add(hdr.decodeFromCompressedBase64(r.latency));
  }
  let retryHist: { attempts: hdr.Histogram; timeToSuccess: hdr.Histogram } | null = null;
  if (results.some((r) => r?.retry)) {
    retryHist = { attempts: newLatencyHistogram(), timeToSuccess: newLatencyHistogram() };
    for (const r of results) {
      if (!r?.retry) continue;
      retryHist.attempts.add(hdr.decodeFromCompressedBase64(r.retry.attempts));
      retryHist.timeToSuccess.add(hdr.decodeFromCompressedBase64(r.retry.timeToSuccess));
    }
  }
  const firstAt = Math.min(...world.violations.map((v) => v.atMs ?? Infinity));
  const firstViolationMs = Number.isFinite(firstAt) && started !== Infinity ? Math.max(0, Math.round((firstAt - (performance.timeOrigin + started)) * 10) / 10) : null;
  return buildReport({
    cfg,
    m,
    L,
    durationMs,
    firstViolationMs,
    totals: readTotals(m, r, L, cfg.workers),
    violations: world.violations,
    audits: monitors.audits + end.audits,
    crashes: world.crashes,
    interrupted: monitors.interrupted,
    leakChecked: end.leakChecked,
    latency,
    retry: retryHist,
    perWorkerOps: results.map((r) => r?.ops ?? 0),
  });
}
