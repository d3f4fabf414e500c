/**
 * The stress worker's loop: a worker thread acts as a CPU. Each iteration it picks
 * a random task slot, claims it (so a simulated thread never runs two ops at once),
 * runs one op from the weighted mix as that thread, and releases it. It parks at
 * the audit barrier when the main thread asks, and stops when STOP is set (the claims,
 * the barrier and the stop are the engine's own words: ./run-words.ts).
 */
import { GROUP, TASK, TSTATE, WORKER, makeHandle } from '../shared/layout.ts';
import { LOOP, RUN, type RunWords } from './run-words.ts';
import { EV } from '../shared/events.ts';
import type { Ctx } from '../seccomp/context.ts';
import { filterCountOf, groupOf, setFilterCount } from '../seccomp/task.ts';
import { createProcess } from '../seccomp/process.ts';
import { DeadlockError, cpuRelax } from '../locks/lock.ts';
import { cumulative } from './mix.ts';
import { OP_KINDS, runKind, type OpKind } from '../scenario/op-kinds.ts';
import { ERRNOS, type OpFacts } from '../scenario/concurrent-ops.ts';
import { C } from './counters.ts';
import type { StressConfig } from './config.ts';
import type { Rng } from '../shared/rng.ts';
import { RetryLoop, retryWanted, type RetryListeners } from './retry.ts';
import { boundedWait } from '../shared/wait.ts';

const K = Object.fromEntries(OP_KINDS.map((k, i) => [k, i])) as Record<OpKind, number>;
/** The counters an op's success and its failure add to (null: the op counts nothing more; TSYNC and syscall are counted apart). */
const OUTCOME_COUNTERS: Readonly<Record<Exclude<OpKind, 'tsync' | 'tsync_esrch' | 'syscall' | 'tsync_retry'>, readonly [number, number] | null>> = {
  attach: [C.ATTACH_OK, C.ATTACH_FAIL],
  sync: [C.SYNC_OK, C.SYNC_FAIL],
  clone: [C.CLONE_OK, C.CLONE_FAIL],
  exit: [C.EXITS, C.EXITS],
  set_nnp: null,
};
/** A failed TSYNC's counter by its errno (its index in the result encoding's ERRNOS). */
const TSYNC_FAIL_BY_ERRNO: readonly number[] = ERRNOS.map((e) => (e === 'ESRCH' ? C.TSYNC_FAIL_ESRCH : e === 'ENOMEM' ? C.TSYNC_FAIL_ENOMEM : e === 'EACCES' ? C.TSYNC_FAIL_EACCES : C.TSYNC_FAIL_OTHER));
/** How long a parked worker waits for the audit to finish before giving up, ms. */
const PARK_BOUND_MS = 30_000;

export interface LoopResult {
  ops: number;
  crash?: { message: string; stack: string; op: string; tid: number };
}

export interface LoopListeners {
  /** called with each TSYNC latency (ns) when latency recording is on */
  latency?: (ns: number) => void;
  /** tsync_retry caller loops (src/stress/retry.ts) */
  retry?: RetryListeners;
}

export class StressLoop {
  private readonly cum: Float64Array;
  private readonly cnt: number; // this worker's counter base
  private readonly wbase: number;
  private labelSeq = 0;
  /** what an op did besides its result (runOp fills it) */
  private readonly facts: OpFacts = { groupDead: false, nodes: 0 };
  private readonly r: Int32Array;
  /** the tsync_retry loops and divergence knobs, when the configuration uses them */
  private readonly retry: RetryLoop | null;
  ops = 0;

  constructor(
    /** the model's buffer (this worker's counters and worker block are the engine's business) */
    private readonly m: Int32Array,
    /** the engine's own words: stop, the audit barrier, the claims (src/stress/run-words.ts) */
    words: RunWords,
    private readonly ctx: Ctx,
    private readonly cfg: StressConfig,
    private readonly rng: Rng,
    private readonly listeners: LoopListeners = {},
  ) {
    this.cum = cumulative(cfg.mix);
    this.cnt = ctx.L.counter(ctx.worker, 0);
    this.wbase = ctx.L.worker(ctx.worker);
    this.r = words.r;
    this.retry = retryWanted(cfg) ? new RetryLoop(m, words, ctx, cfg, rng, () => this.label(), (i, d) => this.count(i, d), listeners.retry) : null;
  }

  private count(i: number, d = 1): void {
    this.m[this.cnt + i]! += d;
  }

  private pick(): OpKind {
    const r = this.rng.next();
    const c = this.cum;
    for (let i = 0; i < c.length; i++) if (r < c[i]!) return OP_KINDS[i]!;
    return OP_KINDS[c.length - 1]!;
  }

  private label(): number {
    return ++this.labelSeq * this.cfg.workers + this.ctx.worker + 1;
  }

  /** Park at the audit barrier until the main thread is done. */
  private park(): void {
    const r = this.r;
    Atomics.add(r, RUN.BARRIER_HOLD, 1);
    // past the bound the worker goes on: the main thread's audit gives up on its own bound
    boundedWait(r, RUN.AUDIT_REQ, (req) => req === 0 || Atomics.load(r, RUN.STOP) !== 0, { what: 'the audit to end', ms: PARK_BOUND_MS, giveUp: true });
    Atomics.sub(r, RUN.BARRIER_HOLD, 1);
  }

  run(): LoopResult {
    const { ctx, cfg, rng, m, r } = this;
    const L = ctx.L;
    const me = ctx.worker + 1;
    const maxTasks = L.cfg.maxTasks;
    let op: OpKind = 'syscall';
    let tid = 0;
    let misses = 0; // the stop and audit words are read before every op and every 64 misses
    try {
      for (;;) {
        if ((misses & 63) === 0) {
          if (Atomics.load(r, RUN.AUDIT_REQ) !== 0) this.park();
          if (Atomics.load(r, RUN.STOP) !== 0) break;
        }
        const slot = rng.int(maxTasks);
        const at = L.task(slot);
        const lat = RUN.SIZE + slot * LOOP.SIZE; // its loop record: RunWords.task(slot), inlined
        // plain reads as a cheap filter (a stale value only costs a retry); the CAS decides
        if (r[lat + LOOP.CLAIM] !== 0 || m[at + TASK.STATE] !== TSTATE.ALIVE || Atomics.compareExchange(r, lat + LOOP.CLAIM, 0, me) !== 0) {
          misses++;
          this.count(C.CLAIM_MISSES);
          continue;
        }
        misses = 0;
        if (Atomics.load(m, at + TASK.STATE) !== TSTATE.ALIVE) {
          Atomics.store(r, lat + LOOP.CLAIM, 0);
          this.count(C.CLAIM_MISSES);
          continue;
        }
        const t = makeHandle(slot, Atomics.load(m, at + TASK.GEN));
        tid = m[at + TASK.TID]!;
        op = this.pick();
        if (this.retry !== null) op = this.retry.override(t, lat, tid, op);
        // what this worker is doing, for the livelock watchdog: diagnostic, plain stores
        m[this.wbase + WORKER.OP] = K[op] + 1;
        m[this.wbase + WORKER.OP_TASK] = tid;
        ctx.op = op;
        ctx.ring.push(EV.OP, K[op], tid);
        let groupDead = -1;
        try {
          const inj = cfg.inject;
          if (inj !== null && ctx.worker === 0 && this.ops + 1 === inj.afterOps) this.misbehave(inj.kind, t);
          else groupDead = this.step(t, op, lat, tid);
        } finally {
          Atomics.store(r, lat + LOOP.CLAIM, 0);
        }
        if (ctx.seam.held.length !== 0) {
          const leaked = ctx.seam.takeLeaked();
          ctx.violation('lock-held', `${leaked.map((h) => L.lockName(h)).join(', ')} still held when ${op} by thread ${tid} ended`, [tid]);
        }
        m[this.wbase + WORKER.OP] = 0;
        Atomics.store(m, this.wbase + WORKER.OP_SEQ, ++this.ops); // progress, read by the watchdog
        if (groupDead >= 0) this.replace(groupDead);
      }
    } catch (e) {
      if (e instanceof DeadlockError) {
        ctx.violation('deadlock', `${e.message} (during ${op} by thread ${tid})`, [tid]);
        Atomics.store(r, RUN.STOP, 2);
      } else {
        Atomics.store(r, RUN.STOP, 2);
        const err = e instanceof Error ? e : new Error(String(e));
        return { ops: this.ops, crash: { message: err.message, stack: err.stack ?? '', op, tid }};
      }
    }
    return { ops: this.ops };
  }

  /** --inject (testing only): the watchdogs and checks must catch each of these. */
  private misbehave(kind: NonNullable<StressConfig['inject']>['kind'], t: number): void {
    const { ctx } = this;
    switch (kind) {
      case 'crash':
        throw new Error(`injected crash on op ${this.ops + 1} (--inject)`);
      case 'stall': // an op that never finishes on its own: only the stop word ends it
        while (Atomics.load(this.r, RUN.STOP) === 0) cpuRelax(64);
        return;
      case 'lock-leak': {
        const id = ctx.L.siglock(groupOf(ctx, t));
        ctx.seam.acquire(id); // and never released
        return;
      }
      case 'unlocked': // a model function called without the lock it asserts (a no-op write)
        setFilterCount(ctx, t, filterCountOf(ctx, t));
        return;
    }
  }

  /** One op as task `t` (`lat`: its loop record in the run words). Returns the group index if the op killed the whole group, else -1. */
  private step(t: number, op: OpKind, lat: number, tid: number): number {
    const { ctx, cfg } = this;
    const g = groupOf(ctx, t);
    const live = Atomics.load(this.m, ctx.L.group(g) + GROUP.NR_LIVE);
    const forced = this.retry !== null && this.retry.forced; // a kill or a lifetime's end
    // keep the group between the marks; deep chains exit so groups keep churning
    if (op === 'clone' && live >= cfg.threadsHigh) op = 'syscall';
    else if (op === 'exit' && !forced && live <= cfg.threadsLow && this.rng.next() < 0.9) op = live < cfg.threadsHigh ? 'clone' : 'syscall';
    if ((op === 'attach' || op === 'tsync' || op === 'tsync_esrch' || (op === 'tsync_retry' && !this.retry!.active(lat, tid))) && filterCountOf(ctx, t) >= cfg.maxDepth) op = 'exit';
    this.count(K[op]);
    if (op === 'tsync_retry') {
      this.retry!.attempt(t, lat, tid);
      return -1;
    }
    // the op itself: the one op table (src/scenario/op-kinds.ts runKind, through runOp)
    const facts = this.facts;
    const installs = op === 'attach' || op === 'tsync' || op === 'tsync_esrch';
    const timed = this.listeners.latency !== undefined && installs && op !== 'attach';
    const t0 = timed ? performance.now() : 0;
    const r = runKind(ctx, t, op, installs ? this.label() : 0, facts);
    if (timed) this.listeners.latency!(Math.round((performance.now() - t0) * 1e6));
    // what it adds to this worker's counters
    if (op === 'tsync' || op === 'tsync_esrch') this.count(r.code === 0 ? C.TSYNC_OK : r.code === 2 ? C.TSYNC_FAIL_TID : TSYNC_FAIL_BY_ERRNO[r.arg]!);
    else if (op === 'syscall') this.count(C.SYSCALL_NODES, facts.nodes);
    else {
      const c = OUTCOME_COUNTERS[op];
      if (c !== null) this.count(r.code === 0 ? c[0] : c[1]);
    }
    return op === 'exit' && facts.groupDead ? g : -1;
  }

  /** The group's last thread exited: a new process takes its place, unfiltered. */
  private replace(g: number): void {
    const r = createProcess(this.ctx, { group: g, threads: Math.max(1, this.cfg.threadsLow), privileged: false });
    if (r) this.count(C.GROUPS_REPLACED);
  }
}
