/**
 * The reference DPOR is checked against: every interleaving of a system, its final
 * states, and the number of Mazurkiewicz trace classes among its complete executions.
 *
 * A class is named by its canonical form: the lexicographically least linearization
 * of the execution's dependence order (program order plus the order of every two
 * dependent steps), written as the sequence of actors. Two executions have the same
 * canonical form exactly when they are the same trace: the actors are deterministic,
 * so a schedule determines its execution.
 */
import { dependent as labDependence, type Accesses, type Dependence } from './access.ts';
import { exploreDpor, type DporSystem } from './dpor.ts';

export interface BruteResult {
  interleavings: number;
  /** canonical forms of the trace classes of complete executions */
  classes: Set<string>;
  states: Set<string>;
}

/** Canonical form of an execution (actor and accesses of every step, in order). */
export function canonicalTrace(steps: readonly { actor: number; accesses: Accesses }[], dep: Dependence = labDependence): string {
  const k = steps.length;
  const preds: number[][] = steps.map(() => []);
  for (let j = 0; j < k; j++)
    for (let i = 0; i < j; i++) if (steps[i]!.actor === steps[j]!.actor || dep(steps[i]!.accesses, steps[j]!.accesses)) preds[j]!.push(i);
  const placed = new Array<boolean>(k).fill(false);
  const out: number[] = [];
  for (let round = 0; round < k; round++) {
    let best = -1;
    for (let j = 0; j < k; j++) {
      if (placed[j] || !preds[j]!.every((i) => placed[i])) continue;
      if (best < 0 || steps[j]!.actor < steps[best]!.actor) best = j;
    }
    placed[best] = true;
    out.push(steps[best]!.actor);
  }
  return out.join('');
}

/** Every interleaving (depth-first, by reset and replay). `finalState` reads the system at a complete end. */
export function bruteForce(system: DporSystem, finalState: () => string, maxInterleavings = 1_000_000): BruteResult {
  const r: BruteResult = { interleavings: 0, classes: new Set(), states: new Set() };
  const trail: { actor: number; accesses: Accesses }[] = [];
  const replay = (): void => {
    system.reset();
    for (const s of trail) system.step(s.actor);
  };
  const visit = (): void => {
    if (r.interleavings >= maxInterleavings) throw new Error(`brute force: more than ${maxInterleavings} interleavings`);
    const enabled: number[] = [];
    let allDone = true;
    for (let a = 0; a < system.actors; a++) {
      if (system.pending(a) !== null) allDone = false;
      if (system.enabled(a)) enabled.push(a);
    }
    if (enabled.length === 0) {
      r.interleavings++;
      if (allDone) {
        r.states.add(finalState());
        r.classes.add(canonicalTrace(trail));
      }
      return;
    }
    for (let i = 0; i < enabled.length; i++) {
      if (i > 0) replay();
      const a = enabled[i]!;
      trail.push({ actor: a, accesses: system.step(a) });
      visit();
      trail.pop();
    }
  };
  system.reset();
  visit();
  return r;
}

export interface Differential {
  ok: boolean;
  dporTraces: number;
  dporSleepBlocked: number;
  dporStates: Set<string>;
  brute: BruteResult;
  /** what differs, for a failing test's message */
  mismatch: string | null;
}

/**
 * DPOR (with `dependence`, default the lab's) against brute force on the same system:
 * the same set of final states, and one complete execution per trace class.
 */
export function differential(system: DporSystem, finalState: () => string, dependence: Dependence = labDependence): Differential {
  const dporStates = new Set<string>();
  const res = exploreDpor(system, {
    dependence,
    onExecution: (end) => {
      if (end.kind === 'complete') dporStates.add(finalState());
    },
  });
  const brute = bruteForce(system, finalState);
  const problems: string[] = [];
  const missing = [...brute.states].filter((s) => !dporStates.has(s));
  const extra = [...dporStates].filter((s) => !brute.states.has(s));
  if (missing.length > 0) problems.push(`DPOR missed final state(s) ${missing.join(' ; ')}`);
  if (extra.length > 0) problems.push(`DPOR found state(s) brute force did not: ${extra.join(' ; ')}`);
  if (res.traces !== brute.classes.size) problems.push(`DPOR explored ${res.traces} complete execution(s), brute force found ${brute.classes.size} trace class(es)`);
  return {
    ok: problems.length === 0,
    dporTraces: res.traces,
    dporSleepBlocked: res.sleepBlocked,
    dporStates,
    brute,
    mismatch: problems.length === 0 ? null : problems.join('; '),
  };
}
