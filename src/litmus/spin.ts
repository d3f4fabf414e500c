/**
 * The two bounded waits of the litmus actors: the round barrier and the per-copy
 * spin start. Both spin on Atomics.load first (a wake costs 8-10 us, far more than a
 * sample), then, if the other actor is not there after a while (it may be
 * descheduled: the cores are shared), sleep in Atomics.wait until the last arriver
 * wakes them; the arriver calls notify only when someone said it sleeps, so the fast
 * path has no notify. Past SPIN_BOUND_MS of waiting they throw a LabFault naming who
 * waited for what (the other actor never came: a lab fault, exit 3, never a hang).
 */
import { LH } from './ctl.ts';

export class LabFault extends Error {
  override readonly name = 'LabFault';
}

/** Long enough for a lock watchdog (2 s) to fire in the other actor first. */
export const SPIN_BOUND_MS = 20_000;
/** Looks at the word before going to sleep (~20 ns each), for the barrier. */
const SPINS = 1024;
const NAP_MS = 5;
const SLEEPER = 0x10000;
const COUNT = 0xffff;

/** All `n` actors meet; `what` names the barrier in the fault. */
export function barrier(c: Int32Array, n: number, actor: number, what: string): void {
  const v = Atomics.add(c, LH.BARRIER, 1) + 1;
  const target = Math.ceil(v / n) * n;
  if (v === target) {
    if (Atomics.load(c, LH.BARRIER_SLEEP) !== 0) Atomics.notify(c, LH.BARRIER);
    return;
  }
  for (let i = 0; i < SPINS; i++) if (Atomics.load(c, LH.BARRIER) >= target) return;
  Atomics.add(c, LH.BARRIER_SLEEP, 1);
  try {
    let waited = 0;
    for (;;) {
      const cur = Atomics.load(c, LH.BARRIER);
      if (cur >= target) return;
      Atomics.wait(c, LH.BARRIER, cur, NAP_MS);
      waited += NAP_MS;
      if (waited > SPIN_BOUND_MS) throw new LabFault(`litmus: actor ${actor} waited ${SPIN_BOUND_MS / 1000} s at barrier ${what} for the other actors (a lab fault)`);
    }
  } finally {
    Atomics.sub(c, LH.BARRIER_SLEEP, 1);
  }
}

/**
 * How long the per-copy start spins before sleeping. A wait that succeeded while
 * spinning moves the limit towards 4x the moving average of successful waits; a wait
 * that had to sleep halves it (the partner was descheduled: spinning longer would only
 * have stolen its CPU). On idle cores the partner comes within a few hundred looks and
 * the limit settles above that; on an oversubscribed machine it drops to MIN.
 */
export class SpinBudget {
  static readonly MIN = 256;
  static readonly MAX = 4096;
  private avg = 64;
  limit = 1024;
  success(spins: number): void {
    this.avg += (spins - this.avg) / 16;
    this.limit = Math.max(SpinBudget.MIN, Math.min(SpinBudget.MAX, Math.ceil(this.avg * 4), this.limit * 2));
  }
  slept(): void {
    this.limit = Math.max(SpinBudget.MIN, this.limit >> 1);
  }
}

/**
 * The per-copy start: arrive at word `at`, spin until all `n` actors did. Returns
 * false when some actor aborted the stride (LH.ABORT) meanwhile.
 */
export function spinStart(c: Int32Array, at: number, n: number, actor: number, copy: number, budget: SpinBudget): boolean {
  const old = Atomics.add(c, at, 1);
  if ((old & COUNT) + 1 === n) {
    if (old >= SLEEPER) Atomics.notify(c, at);
    return true;
  }
  const limit = budget.limit;
  for (let i = 0; i < limit; i++)
    if ((Atomics.load(c, at) & COUNT) >= n) {
      budget.success(i);
      return true;
    }
  budget.slept();
  let cur = Atomics.add(c, at, SLEEPER) + SLEEPER;
  let waited = 0;
  while ((cur & COUNT) < n) {
    if (Atomics.load(c, LH.ABORT) !== 0) return false;
    Atomics.wait(c, at, cur, NAP_MS);
    waited += NAP_MS;
    if (waited > SPIN_BOUND_MS) throw new LabFault(`litmus: actor ${actor} waited ${SPIN_BOUND_MS / 1000} s at copy ${copy} for the other actors (a lab fault)`);
    cur = Atomics.load(c, at);
  }
  return true;
}

/** Busy work the skew spins on (kept observable so the JIT cannot drop the loop). */
let sink = 0;
export function skewSpin(n: number): void {
  let x = sink;
  for (let i = 0; i < n; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  sink = x;
}
