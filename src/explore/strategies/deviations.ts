/**
 * The decider of replay and DFS: a schedule is the list of decisions that deviate from
 * the non-preemptive default (step, actor), sorted by step; every other decision takes
 * the default (the current actor if it can go on, else the lowest runnable one).
 * Strategy area: [count, next, step0, actor0, step1, actor1, ...].
 * A recorded actor that is not runnable at its step is uncontrolled nondeterminism:
 * H.NONDET remembers the first such step and the default is taken.
 */
import { H, defaultChoice, type CtlLayout } from '../ctl.ts';
import type { Decider } from './decider.ts';

export interface Deviation {
  step: number;
  actor: number;
}

export const deviationsDecider: Decider = {
  nextTask(c, k, runnable, current, _isYielding, step) {
    const s = k.strategy;
    const ptr = c[s + 1]!;
    if (ptr < c[s]! && c[s + 2 + 2 * ptr] === step) {
      c[s + 1] = ptr + 1;
      const a = c[s + 3 + 2 * ptr]!;
      if ((runnable & (1 << a)) !== 0) return a;
      if (c[H.NONDET] === 0) c[H.NONDET] = step + 1;
    }
    return defaultChoice(runnable, current);
  },
};

/** Write a deviation list into the strategy area. */
export function writeDeviations(c: Int32Array, k: CtlLayout, devs: readonly Deviation[]): void {
  const s = k.strategy;
  const n = Math.min(devs.length, (k.strategyWords - 2) >> 1);
  c[s] = n;
  c[s + 1] = 0;
  for (let i = 0; i < n; i++) {
    c[s + 2 + 2 * i] = devs[i]!.step;
    c[s + 3 + 2 * i] = devs[i]!.actor;
  }
}
