/**
 * The two bounded waits of the litmus actors: the round barrier and the per-copy
 * spin start. Both spin on Atomics.load first (a wake costs 10-50 us, far more than a
 * sample), then, if the other actor is not there after a while (it may be
 * descheduled: the cores are shared), sleep in Atomics.wait until the last arriver
 * wakes them; the arriver calls notify only when someone said it sleeps, so the fast
 * path has no notify. The sleep is a bounded wait (src/shared/wait.ts): past
 * SPIN_BOUND_MS it throws a LabFault naming who waited for what (the other actor never
 * came: a lab fault, exit 3, never a hang).
 *
 * The spin start's budget is a time, not a count of looks: a look costs 5-20 ns
 * depending on the machine and on whether the partner just wrote the line, and the
 * budget must stay far above what a partner on its own core needs to arrive (its op
 * plus the seeded skew: a few microseconds) and above the latency of a wake (~30-50 us),
 * or the actors fall into a regime where every copy ends in a sleep and a wake and
 * the ops never overlap: one actor sleeps, the other wakes it and runs ahead to the
 * next copy, where it gives up spinning before the sleeper is back, and so on.
 */
import { boundedWait } from '../shared/wait.ts';
import { LH } from './ctl.ts';

/** Long enough for a lock watchdog (2 s) to fire in the other actor first. */
export const SPIN_BOUND_MS = 20_000;
/** How long the round barrier spins at most before it sleeps (an actor still grading or resetting, or auditing). */
const BARRIER_SPIN_US = 200;
const NAP_MS = 5;
const SLEEPER = 0x10000;
/** The clock is read once per this many looks while spinning (performance.now() costs ~100 ns). */
const CLOCK_EVERY = 64;
const COUNT = 0xffff;

/**
 * All `n` actors meet; `what` names the barrier in the fault. It spins for at most
 * `spinUs` (the spin start's budget: little when the actors share cores with others,
 * where a spinner only burns the time slice its partner needs) before it sleeps.
 */
export function barrier(c: Int32Array, n: number, actor: number, what: string, spinUs = BARRIER_SPIN_US): void {
  const v = Atomics.add(c, LH.BARRIER, 1) + 1;
  const target = Math.ceil(v / n) * n;
  if (v === target) {
    if (Atomics.load(c, LH.BARRIER_SLEEP) !== 0) Atomics.notify(c, LH.BARRIER);
    return;
  }
  let until = 0;
  for (let i = 1; ; i++) {
    if (Atomics.load(c, LH.BARRIER) >= target) return;
    if (i % CLOCK_EVERY === 0) {
      const now = performance.now();
      if (until === 0) until = now + Math.min(BARRIER_SPIN_US, spinUs) / 1000;
      else if (now >= until) break;
    }
  }
  Atomics.add(c, LH.BARRIER_SLEEP, 1);
  try {
    boundedWait(c, LH.BARRIER, (v) => v >= target, {
      what: 'the other actors at a round barrier',
      ms: SPIN_BOUND_MS,
      napMs: NAP_MS,
      fault: () => `litmus: actor ${actor} waited ${SPIN_BOUND_MS / 1000} s at barrier ${what} for the other actors (a lab fault)`,
    });
  } finally {
    Atomics.sub(c, LH.BARRIER_SLEEP, 1);
  }
}


/**
 * How long the per-copy start spins before sleeping, in microseconds. A wait that had
 * to sleep halves it (the partner was descheduled: spinning longer would only have
 * stolen CPU from it on an oversubscribed machine), never below MIN_US; a wait that
 * succeeded while spinning grows it back by an eighth. On idle cores a partner comes
 * within a few microseconds and a sleep is rare (a GC pause, an interrupt): after one,
 * the budget is still far above a wake's latency, so the partner that woke the sleeper
 * finds it back while spinning, and the actors are in step again at the next copy.
 * With more actors than free cores nearly every start sleeps; the budget falls to
 * MIN_US within a few copies and each copy then costs a couple of microseconds of
 * spinning before the actor gives its core away.
 *
 * Low budgets are also how the sleep cascade starts (below a wake's latency, the actor
 * that woke a sleeper gives up before the sleeper is back, and so on), so a round
 * starts at MAX_US again when the last round hardly slept, and at least every
 * PROBE_EVERY_MS anyway (the machine may have become idle): a cascade lasts at most
 * that long, and an oversubscribed machine pays a few hundred microseconds per probe.
 */
export class SpinBudget {
  static readonly MIN_US = 2;
  static readonly MAX_US = 400;
  static readonly PROBE_EVERY_MS = 100;
  limitUs = SpinBudget.MAX_US;
  /** starts and sleeps when the round began */
  private markStarts = 0;
  private markSleeps = 0;
  private probedAt = -Infinity;
  /** a new round at time `now` (ms): spin generously again if the last round hardly slept (<= 1%), or to probe */
  round(now: number): void {
    const calm = (this.sleeps - this.markSleeps) * 100 <= this.starts - this.markStarts;
    if (calm || now - this.probedAt >= SpinBudget.PROBE_EVERY_MS) {
      if (!calm) this.probedAt = now;
      this.limitUs = SpinBudget.MAX_US;
    }
    this.markStarts = this.starts;
    this.markSleeps = this.sleeps;
  }
  /** figures for the report: spin starts, those that slept, looks spent spinning */
  starts = 0;
  sleeps = 0;
  looks = 0;
  success(): void {
    if (this.limitUs < SpinBudget.MAX_US) this.limitUs = Math.min(SpinBudget.MAX_US, this.limitUs + this.limitUs / 8);
  }
  slept(): void {
    this.sleeps++;
    this.limitUs = Math.max(SpinBudget.MIN_US, this.limitUs / 2);
  }
}

/**
 * The per-copy start: arrive at word `at`, spin until all `n` actors did. Returns
 * false when some actor aborted the stride (LH.ABORT) meanwhile.
 */
export function spinStart(c: Int32Array, at: number, n: number, actor: number, copy: number, budget: SpinBudget): boolean {
  budget.starts++;
  const old = Atomics.add(c, at, 1);
  if ((old & COUNT) + 1 === n) {
    if (old >= SLEEPER) Atomics.notify(c, at);
    return true;
  }
  let until = 0;
  for (let i = 1; ; i++) {
    if ((Atomics.load(c, at) & COUNT) >= n) {
      budget.looks += i;
      budget.success();
      return true;
    }
    if (i % CLOCK_EVERY === 0) {
      const now = performance.now();
      if (until === 0) until = now + budget.limitUs / 1000;
      else if (now >= until) {
        budget.looks += i;
        break;
      }
    }
  }
  budget.slept();
  Atomics.add(c, at, SLEEPER);
  return boundedWait(c, at, (v) => (v & COUNT) >= n, {
    what: 'the other actors at a copy start',
    ms: SPIN_BOUND_MS,
    napMs: NAP_MS,
    abort: () => Atomics.load(c, LH.ABORT) !== 0,
    fault: () => `litmus: actor ${actor} waited ${SPIN_BOUND_MS / 1000} s at copy ${copy} for the other actors (a lab fault)`,
  });
}

/** Busy work the skew spins on (kept observable so the JIT cannot drop the loop). */
let sink = 0;
export function skewSpin(n: number): void {
  let x = sink;
  for (let i = 0; i < n; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  sink = x;
}

/** Iterations of skewSpin per microsecond on this thread (measured once per worker, ~2 ms). */
export function skewIterationsPerUs(): number {
  const rates: number[] = [];
  for (let r = 0; r < 5; r++) {
    const n = 100_000;
    const t0 = performance.now();
    skewSpin(n);
    const us = (performance.now() - t0) * 1000;
    if (us > 0) rates.push(n / us);
  }
  rates.sort((a, b) => a - b);
  // the fastest but one: the JIT warms up on the first, a preemption slows any
  return rates.length ? rates[Math.max(0, rates.length - 2)]! : 500;
}
