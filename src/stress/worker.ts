/**
 * The stress engine's worker program: asks the runtime for this worker's model context
 * with lockdep and noise in the seam, waits at the start gate, runs the loop.
 */
import * as hdr from 'hdr-histogram-js';
import { Layout } from '../shared/layout.ts';
import { RUN, RunWords } from './run-words.ts';
import type { NativeTable } from '../locks/kinds.ts';
import type { Violation } from '../seccomp/violations.ts';
import type { StressConfig } from './config.ts';
import { StressLoop, type LoopListeners, type LoopResult } from './loop.ts';
import { WorkerReporter } from './worker-reporter.ts';
import { NoiseHook } from '../workers/noise.ts';
import { LockdepHook } from '../workers/lockdep.ts';
import { Rng, workerSeed } from '../shared/rng.ts';
import { boundedWait } from '../shared/wait.ts';
import { newLatencyHistogram } from '../shared/histogram.ts';
import { program, type WorkerRuntime } from '../workers/program.ts';
import { retryWanted } from './retry.ts';

export interface StressTask {
  /** the model's buffer */
  m: Int32Array;
  /** the engine's run words (./run-words.ts) */
  r: Int32Array;
  cfg: StressConfig;
  worker: number;
  natives: NativeTable;
}

export interface StressWorkerResult extends LoopResult {
  worker: number;
  violations: Violation[];
  /** TSYNC latency histogram (hdr-histogram-js compressed base64), if recorded */
  latency?: string;
  /** tsync_retry loops: attempts per success and time to success (ns), same encoding */
  retry?: { attempts: string; timeToSuccess: string };
}

export default program({ lockKinds: (task: StressTask) => Object.values(task.cfg.locks), run: runWorker });

function runWorker(task: StressTask, rt: WorkerRuntime): StressWorkerResult {
  const { m, r, cfg, worker } = task;
  const L = Layout.of(m);
  const run = RunWords.of(r);
  const reporter = new WorkerReporter(m, r, L, worker, cfg.seed, cfg.maxViolations, cfg.stopOn);
  Atomics.add(r, RUN.ACTIVE, 1);
  try {
    const seedRng = new Rng(workerSeed(cfg.seed, worker));
    const ctx = rt.context({
      m,
      worker,
      design: cfg.design,
      bug: cfg.bug,
      scope: cfg.scope,
      plan: cfg.locks,
      lockOptions: { watchdogMs: cfg.watchdogMs, maxBackoff: 1024 },
      natives: task.natives,
      checking: cfg.checking,
      reporter,
      hooks: (ctx) => [cfg.lockdep ? new LockdepHook(m, L, worker, ctx) : null, cfg.noise > 0 ? new NoiseHook(cfg.noise, new Rng(seedRng.u32())) : null],
      onLockBreach: (ctx, message) => ctx.violation('mutual-exclusion', message),
    });
    const histogram = cfg.latency ? newLatencyHistogram() : null;
    Atomics.add(r, RUN.STARTED, 1);
    // the start gate: every worker begins together, when the main thread starts the clock
    boundedWait(r, RUN.GO, (go) => go !== 0 || Atomics.load(r, RUN.STOP) !== 0, {
      what: 'the start gate (RUN.GO)',
      ms: 120_000,
      napMs: 100,
      fault: 'stress worker: the start gate never opened (main thread gone?)',
    });
    const attempts = retryWanted(cfg) ? newLatencyHistogram() : null;
    const toSuccess = attempts ? newLatencyHistogram() : null;
    const listeners: LoopListeners = {};
    if (histogram) listeners.latency = (ns) => histogram.recordValue(Math.max(1, ns));
    if (attempts && toSuccess)
      listeners.retry = {
        success: (n, ns) => {
          attempts.recordValue(n);
          toSuccess.recordValue(ns);
        },
      };
    const loop = new StressLoop(m, run, ctx, cfg, seedRng, listeners);
    const res = loop.run();
    const out: StressWorkerResult = { ...res, worker, violations: reporter.list };
    if (histogram) out.latency = hdr.encodeIntoCompressedBase64(histogram);
    if (attempts && toSuccess) out.retry = { attempts: hdr.encodeIntoCompressedBase64(attempts), timeToSuccess: hdr.encodeIntoCompressedBase64(toSuccess) };
    return out;
  } finally {
    Atomics.sub(r, RUN.ACTIVE, 1);
  }
}
