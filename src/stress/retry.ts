/**
 * The `tsync_retry` workload: a simulated thread runs its design's caller loop
 * (src/seccomp/retry.ts), one attempt per op, so the rest of the group keeps
 * running, diverging and exiting between attempts. The loop's state lives in the
 * thread's loop record (src/stress/run-words.ts: LOOP.RETRY, RETRY_LABEL, RETRY_T0,
 * written only by the worker holding the thread's claim), so whichever worker runs
 * the thread next continues its loop.
 *
 * While a loop is active every op of that thread is its next attempt (a caller in
 * `while (...)` does nothing else; "wait" is the time until the thread runs again).
 * It ends in success (then the postcondition is checked: every live thread carries
 * the filter), gives up after --retry-limit attempts, or at once on an error no
 * retry can fix (ENOMEM, EACCES, ...), or is abandoned when the caller exits.
 *
 * --retry-policy kill: after a failure that returned a tid, that thread is made to
 * exit. It may be running on another worker (claimed), so the kill is a mark
 * (LOOP.KILL = its tid, stored under siglock while it is on the list): the thread
 * exits at its next op, whoever runs it. If this worker can claim it right away,
 * it exits it at once (as a SIGKILL would before the caller's next attempt).
 *
 * Also the divergence knobs: --diverge P makes an op a private attach (a library
 * thread installing its own filter) with probability P; --lifetime N ends a thread
 * with probability 1/N per op.
 */
import { TASK, TSTATE, handleSlot, makeHandle } from '../shared/layout.ts';
import { LOOP, type RunWords } from './run-words.ts';
import type { Ctx } from '../seccomp/context.ts';
import { callerLoopOf, checkRetryDone, threadByTid, type CallerLoop } from '../seccomp/retry.ts';
import { exitThread } from '../seccomp/exit.ts';
import { groupOf, setNnp, taskAt } from '../seccomp/task.ts';
import type { StressConfig } from './config.ts';
import type { OpKind } from '../scenario/op-kinds.ts';
import type { Rng } from '../shared/rng.ts';
import { C } from './counters.ts';

export interface RetryListeners {
  /** a loop succeeded after `attempts` attempts, `ns` after it started */
  success?: (attempts: number, ns: number) => void;
}

/** epoch microseconds mod 2^32: the same clock on every worker */
function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) % 0x1_0000_0000 | 0;
}

/** Is the engine's retry machinery needed for this configuration? */
export function retryWanted(cfg: StressConfig): boolean {
  return cfg.mix.tsync_retry > 0 || cfg.diverge > 0 || cfg.lifetime > 0;
}

export class RetryLoop {
  private readonly loop: CallerLoop;
  private readonly me: number;
  private readonly exitP: number;
  /** the op chosen by `override` must run even where the loop would turn it into another */
  forced = false;
  /** the engine's words: claims and loop records */
  private readonly r: Int32Array;

  constructor(
    private readonly m: Int32Array,
    private readonly run: RunWords,
    private readonly ctx: Ctx,
    private readonly cfg: StressConfig,
    private readonly rng: Rng,
    private readonly label: () => number,
    /** adds to this worker's counter `i` */
    private readonly count: (i: number, d?: number) => void,
    private readonly listeners: RetryListeners = {},
  ) {
    this.r = run.r;
    this.loop = callerLoopOf(ctx.design.name);
    this.me = ctx.worker + 1;
    this.exitP = cfg.lifetime > 0 ? 1 / cfg.lifetime : 0;
  }

  /** Is a caller loop running on thread `tid` (loop record at word `at` of the run words)? */
  active(at: number, tid: number): boolean {
    const s = this.r[at + LOOP.RETRY]!;
    return s !== 0 && s >>> 16 === (tid & 0xffff);
  }

  /** The op thread `tid` runs instead of the one drawn from the mix (`at`: its loop record). */
  override(t: number, at: number, tid: number, op: OpKind): OpKind {
    this.forced = false;
    if (Atomics.load(this.r, at + LOOP.KILL) === tid) {
      this.forced = true;
      this.abandon(at, tid);
      return 'exit';
    }
    if (this.active(at, tid)) {
      if (this.exitP > 0 && this.rng.next() < this.exitP) return this.lifetimeEnds(at, tid);
      return 'tsync_retry';
    }
    if (this.cfg.diverge > 0 && this.rng.next() < this.cfg.diverge) {
      setNnp(this.ctx, t); // a library thread: no_new_privs, then its own filter
      this.count(C.DIVERGE_ATTACHES);
      return 'attach';
    }
    if (this.exitP > 0 && this.rng.next() < this.exitP) return this.lifetimeEnds(at, tid);
    return op;
  }

  private lifetimeEnds(at: number, tid: number): OpKind {
    this.count(C.LIFETIME_EXITS);
    this.forced = true;
    this.abandon(at, tid);
    return 'exit';
  }

  private abandon(at: number, tid: number): void {
    if (!this.active(at, tid)) return;
    this.r[at + LOOP.RETRY] = 0;
    this.count(C.RETRY_ABANDONED);
  }

  /** One attempt of thread `t`'s loop (starting it if none runs); `at`: its loop record. */
  attempt(t: number, at: number, tid: number): void {
    const { r: w, ctx } = this;
    let n: number;
    if (this.active(at, tid)) n = (w[at + LOOP.RETRY]! & 0xffff) + 1;
    else {
      n = 1;
      w[at + LOOP.RETRY_LABEL] = this.label();
      w[at + LOOP.RETRY_T0] = nowUs();
      this.count(C.RETRY_STARTED);
    }
    const label = w[at + LOOP.RETRY_LABEL]!;
    this.count(C.RETRY_ATTEMPTS);
    const r = ctx.ops.retryAttempt(ctx, t, label, n);
    if (r.ok) {
      w[at + LOOP.RETRY] = 0;
      this.succeeded(t, label, n, ((nowUs() - w[at + LOOP.RETRY_T0]!) >>> 0) * 1000);
      return;
    }
    const retriable = r.errno === 'TSYNC' && this.loop.retries;
    if (!retriable || n >= this.cfg.retryLimit) {
      w[at + LOOP.RETRY] = 0;
      this.count(retriable || r.errno === 'TSYNC' ? C.RETRY_GAVE_UP : C.RETRY_GAVE_UP_ERRNO);
      return;
    }
    w[at + LOOP.RETRY] = ((tid & 0xffff) << 16) | n;
    if (r.errno === 'TSYNC' && this.cfg.retryPolicy === 'kill') this.kill(t, r.tid);
  }

  private succeeded(t: number, label: number, attempts: number, ns: number): void {
    this.count(C.RETRY_OK);
    const o = checkRetryDone(this.ctx, t, label);
    this.count(C.RETRY_CALLER_ADDED, o.callerAdded);
    this.count(C.RETRY_OTHERS_ADDED, o.othersAdded);
    this.count(C.RETRY_OTHERS, o.others);
    this.count(C.RETRY_COMPOSED, o.composed);
    const maxAt = this.ctx.L.counter(this.ctx.worker, C.RETRY_OTHERS_MAX);
    if (o.othersMax > this.m[maxAt]!) this.m[maxAt] = o.othersMax;
    this.listeners.success?.(attempts, Math.max(1, ns));
  }

  /** Kill policy: mark thread `tid` of `t`'s group to exit; exit it now if we can claim it. */
  private kill(t: number, tid: number): void {
    const { m, r, ctx, run } = this;
    const g = groupOf(ctx, t);
    const victim = ctx.lock(ctx.L.siglock(g), () => {
      const v = threadByTid(ctx, g, tid);
      if (v !== 0) Atomics.store(r, run.task(handleSlot(v)) + LOOP.KILL, tid); // on the list: its slot cannot be recycled meanwhile
      return v;
    });
    if (victim === 0) return;
    this.count(C.RETRY_KILL_MARKS);
    const vat = taskAt(ctx, victim);
    const vl = run.task(handleSlot(victim));
    if (Atomics.compareExchange(r, vl + LOOP.CLAIM, 0, this.me) !== 0) return; // it exits at its next op
    try {
      if (Atomics.load(m, vat + TASK.STATE) !== TSTATE.ALIVE || m[vat + TASK.TID] !== tid || Atomics.load(r, vl + LOOP.KILL) !== tid) return;
      if (makeHandle(handleSlot(victim), Atomics.load(m, vat + TASK.GEN)) !== victim) return;
      this.abandon(vl, tid);
      exitThread(ctx, victim); // the caller lives on in the group: the group cannot die here
      this.count(C.EXITS);
      this.count(C.RETRY_KILLED_NOW);
    } finally {
      Atomics.store(r, vl + LOOP.CLAIM, 0);
    }
  }
}
