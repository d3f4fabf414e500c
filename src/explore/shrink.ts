/**
 * Shrinking a failing schedule while the same failure persists: first fewer
 * preemptions (drop one deviation at a time), then fewer steps (move a deviation
 * earlier). A candidate is replayed leniently (a recorded choice that is not runnable
 * takes the default); what the replay actually did becomes the new schedule.
 */
import type { Execution, Finding, Session } from './session.ts';
import type { Deviation } from './strategies/deviations.ts';
import { ReplayStrategy } from './strategies/replay.ts';

export function signature(f: Finding): string {
  return f.kind === 'forbidden' ? `forbidden:${f.message}` : f.kind;
}

export interface Shrunk {
  exec: Execution;
  runs: number;
}

const better = (a: Execution, b: Execution) => a.preemptions < b.preemptions || (a.preemptions === b.preemptions && a.steps < b.steps);

export function shrink(session: Session, failing: Execution, budget = 200): Shrunk {
  const sig = signature(failing.failure!);
  let best = failing;
  let runs = 0;
  const attempt = (devs: Deviation[]): boolean => {
    if (runs >= budget) return false;
    runs++;
    const e = session.run(new ReplayStrategy(devs, failing.opSeed));
    if (e && e.failure && signature(e.failure) === sig && better(e, best)) {
      best = e;
      return true;
    }
    return false;
  };
  // 1. fewer preemptions
  for (let again = true; again && runs < budget; ) {
    again = false;
    const devs = best.deviations;
    for (let i = devs.length - 1; i >= 0; i--) {
      if (attempt([...devs.slice(0, i), ...devs.slice(i + 1)])) {
        again = true;
        break;
      }
    }
  }
  // 2. fewer steps: each deviation as early as it can go
  for (let again = true; again && runs < budget; ) {
    again = false;
    const devs = best.deviations;
    for (let i = 0; i < devs.length && !again; i++) {
      const lo = i === 0 ? 0 : devs[i - 1]!.step + 1;
      for (let s = devs[i]!.step - 1; s >= lo && runs < budget; s--) {
        const cand = devs.map((d, j) => (j === i ? { step: s, actor: d.actor } : d));
        if (attempt(cand)) {
          again = true;
          break;
        }
      }
    }
  }
  return { exec: best, runs };
}
