/**
 * replay: run a schedule string twice and compare (shuttle's uncontrolled-
 * nondeterminism check): the two traces must be identical, every recorded choice must
 * be runnable where it was recorded, and — under the recorded design and bug — the
 * trace must be the recorded one (steps and hash). A mismatch is reported as
 * "nondeterminism at step N". `reproduced`: the recorded failure happened both times.
 */
import { Session, type Execution, type Finding, type World } from './session.ts';
import type { Workload } from './workloads.ts';
import { ReplayStrategy } from './strategies/replay.ts';
import { traceHash, type Schedule } from './schedule.ts';
import { signature } from './shrink.ts';
import { describeEvent } from './controller.ts';
import { tableOf } from './explore.ts';
import { EVK } from './ctl.ts';

export interface ReplayReport {
  reproduced: boolean;
  violation: Finding | null;
  /** "nondeterminism at step N: ..." or null */
  nondeterminism: string | null;
  table: string;
  steps: number;
  preemptions: number;
  outcome: string | null;
}

function eventText(session: Session, trace: Int32Array, i: number): string {
  if (2 * i >= trace.length) return 'the end of the execution';
  const w = trace[2 * i]!;
  const kind = w >>> 4;
  const arg = trace[2 * i + 1]!;
  const who = session.workload.names[w & 15];
  if (kind === EVK.OP_START) return `${who} starts op ${arg}`;
  if (kind === EVK.OP_END) return `${who} ends op ${arg}`;
  if (kind === EVK.FINISH) return `${who} finishes`;
  return `${who}: ${describeEvent(session.L, kind, arg)}`;
}

function firstDifference(a: Int32Array, b: Int32Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i >> 1;
  return a.length === b.length ? -1 : n >> 1;
}

export async function replaySchedule(workload: Workload, world: World, s: Schedule, inject = false): Promise<ReplayReport> {
  const session = await Session.open(workload, world);
  try {
    return replayOn(session, s, inject);
  } finally {
    await session.close();
  }
}

/** Replay on an open session (its world may differ from the schedule's: then only the two runs are compared). */
export function replayOn(session: Session, s: Schedule, inject = false): ReplayReport {
  const world = session.world;
  {
    const runs: Execution[] = [];
    for (let i = 0; i < 2; i++) runs.push(session.run(new ReplayStrategy(s.deviations, s.seed), inject)!);
    const [a, b] = [runs[0]!, runs[1]!];
    let nondet: string | null = null;
    const d = firstDifference(a.trace, b.trace);
    if (a.nondet || b.nondet) {
      const r = a.nondet ? a : b;
      nondet = `nondeterminism at step ${r.nondet - 1}: the recorded choice was not runnable there (run ${a.nondet ? 1 : 2})`;
    } else if (d >= 0) {
      nondet = `nondeterminism at step ${d}: run 1 has ${eventText(session, a.trace, d)}, run 2 has ${eventText(session, b.trace, d)}`;
    } else if (world.design === s.design && (world.bug ?? '') === (s.bug ?? '') && world.scope === s.scope && (a.steps !== s.steps || traceHash(a.trace) !== s.hash)) {
      nondet = `nondeterminism: the trace differs from the recorded one (${a.steps} steps, hash ${traceHash(a.trace).toString(16).padStart(8, '0')}; recorded ${s.steps} steps, hash ${s.hash.toString(16).padStart(8, '0')})`;
    }
    const sig = (e: Execution) => (e.failure ? signature(e.failure).replace(/:.*$/, '') : null);
    const reproduced = nondet === null && sig(a) === s.failure && sig(b) === s.failure;
    return {
      reproduced,
      violation: a.failure,
      nondeterminism: nondet,
      table: tableOf(session, a),
      steps: a.steps,
      preemptions: a.preemptions,
      outcome: a.outcome?.line ?? null,
    };
  }
}
