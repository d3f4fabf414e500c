/**
 * What the main thread watches while the workers run, one tick at a time: the
 * duration and SIGINT (a clean stop), stop-the-world audits, progress lines, and the
 * livelock watchdog (an op that makes no progress is named and stops the run).
 */
import { WORKER } from '../shared/layout.ts';
import { RUN } from './run-words.ts';
import { boundedWait } from '../shared/wait.ts';
import { OP_KINDS } from '../scenario/op-kinds.ts';
import type { Totals } from './report.ts';
import { readTotals } from './totals.ts';
import { userLockWhere } from '../locks/user.ts';
import type { StressWorld } from './world.ts';

export interface StressIo {
  /** a progress line (every second) */
  progress?: (t: Totals, elapsedMs: number) => void;
  /** set to request an early, clean stop (SIGINT) */
  interrupted?: () => boolean;
}

/** How long the audit waits for the workers to park, and they for it to finish, ms. */
const BARRIER_BOUND_MS = 2000;

export class Monitors {
  audits = 0;
  /** the run was stopped by SIGINT before its duration */
  interrupted = false;
  /** when STOP was first seen set (Infinity while running) */
  stopAt = Infinity;
  private lastProgress = 0;
  private lastAudit = 0;
  private readonly seq: Int32Array;
  private readonly seqAt: Float64Array;

  constructor(
    private readonly world: StressWorld,
    private readonly io: StressIo,
  ) {
    this.seq = new Int32Array(world.cfg.workers);
    this.seqAt = new Float64Array(world.cfg.workers);
  }

  /** The workers passed the start gate at `now`: every clock starts. */
  start(now: number): void {
    this.lastProgress = this.lastAudit = now;
    this.seqAt.fill(now);
  }

  /** One tick; `finished[w]` is true once worker w has returned. */
  tick(now: number, elapsed: number, finished: readonly boolean[]): void {
    const { m, r, cfg } = this.world;
    if (Atomics.load(r, RUN.STOP) === 0 && (elapsed >= cfg.durationMs || this.io.interrupted?.() || this.budgetSpent())) {
      this.interrupted = !!this.io.interrupted?.() && elapsed < cfg.durationMs;
      Atomics.store(r, RUN.STOP, 1);
    }
    if (Atomics.load(r, RUN.STOP) !== 0 && this.stopAt === Infinity) this.stopAt = now;
    if (Atomics.load(r, RUN.STOP) === 0 && cfg.auditEveryMs > 0 && now - this.lastAudit >= cfg.auditEveryMs) {
      this.audit();
      this.lastAudit = performance.now();
    }
    if (now - this.lastProgress >= 1000) {
      this.lastProgress = now;
      this.io.progress?.(readTotals(m, r, this.world.L, cfg.workers), elapsed);
    }
    this.watchLivelock(now, finished);
  }

  /** --ops: the workers have finished the budget of operations (a stop that does not depend on the clock) */
  private budgetSpent(): boolean {
    const { m, r, L, cfg } = this.world;
    if (cfg.opsBudget === 0) return false;
    let done = 0;
    for (const n of Object.values(readTotals(m, r, L, cfg.workers).ops)) done += n;
    return done >= cfg.opsBudget;
  }

  /** Stop the world (workers park at the barrier between ops), audit, let them go. */
  private audit(): void {
    const { r } = this.world;
    Atomics.store(r, RUN.AUDIT_REQ, 1);
    let parked = false;
    // past the bound (a worker inside a long op) this audit is skipped, not a fault
    const parkedOrStopped = (hold: number): boolean => {
      const active = Atomics.load(r, RUN.ACTIVE);
      if (hold < active) return Atomics.load(r, RUN.STOP) !== 0;
      parked = active > 0;
      return true;
    };
    boundedWait(r, RUN.BARRIER_HOLD, parkedOrStopped, { what: 'the workers to park for an audit', ms: BARRIER_BOUND_MS, clockEvery: 256, giveUp: true });
    if (parked) {
      this.audits++;
      this.world.auditNow('audit');
    }
    Atomics.store(r, RUN.AUDIT_REQ, 0);
    boundedWait(r, RUN.BARRIER_HOLD, (hold) => hold <= 0, { what: 'the workers to leave the audit barrier', ms: BARRIER_BOUND_MS, clockEvery: 1, giveUp: true });
    this.seqAt.fill(performance.now()); // the livelock clock does not run while workers were parked
  }

  /** An op that makes no progress past --livelock is a livelock: named, and the run stops. */
  private watchLivelock(now: number, finished: readonly boolean[]): void {
    const { m, r, L, cfg } = this.world;
    for (let w = 0; w < cfg.workers; w++) {
      if (finished[w]) continue;
      const s = Atomics.load(m, L.worker(w) + WORKER.OP_SEQ);
      if (s !== this.seq[w]) {
        this.seq[w] = s;
        this.seqAt[w] = now;
      } else if (Atomics.load(m, L.worker(w) + WORKER.OP) !== 0 && now - this.seqAt[w]! > cfg.livelockMs) {
        const op = OP_KINDS[Atomics.load(m, L.worker(w) + WORKER.OP) - 1] ?? '?';
        const tid = Atomics.load(m, L.worker(w) + WORKER.OP_TASK);
        this.world.addViolation({ kind: 'livelock', message: `worker ${w}: ${op} by thread ${tid} has not finished after ${Math.round(now - this.seqAt[w]!)} ms${userLockWhere(m, L, w, cfg.locks)}`, worker: w, tasks: [tid], nodes: [], op });
        this.seqAt[w] = Infinity;
        Atomics.store(r, RUN.STOP, 2);
      }
    }
  }
}
