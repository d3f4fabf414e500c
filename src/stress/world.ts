/**
 * The stress run's world (main thread): the shared buffer with every group's first
 * process, the main thread's own model context (setup, teardown), the violation list
 * every part adds to, and the end of the run: a last quiescent audit, every group
 * exits, and nothing may be left allocated.
 */
import { Layout, GROUP, TSTATE } from '../shared/layout.ts';
import { RUN, RunWords } from './run-words.ts';
import { createNatives } from '../locks/lockset.ts';
import type { NativeTable } from '../locks/kinds.ts';
import { makeCtx } from '../seccomp/world.ts';
import type { Ctx } from '../seccomp/context.ts';
import { createProcess } from '../seccomp/process.ts';
import { exitThread } from '../seccomp/exit.ts';
import { forEachThread, stateOf } from '../seccomp/task.ts';
import { audit } from '../seccomp/audit.ts';
import { ListReporter, type Violation } from '../seccomp/violations.ts';
import { sizesFor, type StressConfig } from './config.ts';
import { shouldStop, traceAll } from './worker-reporter.ts';
import type { Crash } from './report.ts';

export class StressWorld {
  readonly L: Layout;
  readonly m: Int32Array;
  /** the engine's own words (stop, start gate, audit barrier, claims, caller loops) */
  readonly run: RunWords;
  /** run.r */
  readonly r: Int32Array;
  readonly natives: NativeTable;
  /** the main thread's worker slot (setup, audits, teardown) */
  readonly mainWorker: number;
  private readonly mainReporter: ListReporter;
  private readonly mainCtx: Ctx;
  readonly violations: Violation[] = [];
  readonly crashes: Crash[] = [];

  constructor(readonly cfg: StressConfig) {
    const sizes = sizesFor(cfg);
    this.L = new Layout({ ...sizes, groups: cfg.groups, workers: cfg.workers + 1, ringSize: 64, extraLocks: 0, scratchWords: 0 });
    this.m = this.L.create();
    this.run = new RunWords(this.L.cfg.maxTasks);
    this.r = this.run.r;
    this.natives = createNatives(this.L, cfg.locks);
    this.mainWorker = cfg.workers;
    this.mainReporter = new ListReporter(this.mainWorker);
    this.mainCtx = makeCtx(this.m, this.mainWorker, {
      design: cfg.design,
      bug: cfg.bug,
      scope: cfg.scope,
      plan: cfg.locks,
      lockOptions: { watchdogMs: cfg.watchdogMs, maxBackoff: 1024 },
      natives: this.natives,
      checking: cfg.checking,
      reporter: this.mainReporter,
    });
    const initial = Math.max(1, Math.round((cfg.threadsLow + cfg.threadsHigh) / 2));
    for (let g = 0; g < cfg.groups; g++) createProcess(this.mainCtx, { group: g, threads: initial, privileged: false });
  }

  /** A violation found on the main thread (audits, watchdogs): counted, traced, may stop the run. */
  addViolation(v: Violation): void {
    const { m, r, L, cfg } = this;
    Atomics.add(r, RUN.VIOLATIONS, 1);
    this.violations.push({ ...v, seed: cfg.seed, atMs: v.atMs ?? performance.timeOrigin + performance.now(), trace: v.trace ?? traceAll(m, L, Math.max(0, v.worker)) });
    if (shouldStop(Atomics.load(r, RUN.VIOLATIONS), v.kind, cfg.maxViolations, cfg.stopOn)) Atomics.compareExchange(r, RUN.STOP, 0, 1);
  }

  /** A stop-the-world audit's findings (the caller has parked the workers). */
  auditNow(op: string): void {
    for (const v of audit(this.m, this.L).violations) this.addViolation({ ...v, op });
  }

  /**
   * The end, once every worker has stopped: a last audit, then every group exits and
   * the leak check runs. Returns the audits run and whether the leak check ran.
   */
  finish(): { audits: number; leakChecked: boolean } {
    const { m, L } = this;
    let audits = 0;
    let leakChecked = false;
    const clean = this.crashes.length === 0 && !this.violations.some((v) => v.kind === 'deadlock' || v.kind === 'livelock');
    if (clean) {
      audits++;
      this.auditNow('final audit');
      try {
        this.tearDown();
        const fin = audit(m, L, { expectEmpty: true });
        audits++;
        leakChecked = true;
        for (const v of fin.violations) this.addViolation({ ...v, op: 'leak check' });
      } catch (e) {
        this.crashes.push({ worker: this.mainWorker, message: `teardown: ${(e as Error).message}`, op: 'teardown', tid: 0, stack: (e as Error).stack ?? '' });
      }
    }
    for (const v of this.mainReporter.list) this.addViolation(v);
    return { audits, leakChecked };
  }

  /** Every live thread of every group exits. */
  private tearDown(): void {
    const { m, L, mainCtx: ctx } = this;
    ctx.op = 'teardown';
    for (let g = 0; g < this.cfg.groups; g++) {
      if (Atomics.load(m, L.group(g) + GROUP.STATE) === 0) continue;
      const alive: number[] = [];
      ctx.lock(L.siglock(g), () => forEachThread(ctx, g, (t) => void (stateOf(ctx, t) === TSTATE.ALIVE && alive.push(t))));
      for (const t of alive) exitThread(ctx, t);
    }
  }
}
