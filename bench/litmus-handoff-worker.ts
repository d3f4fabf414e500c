/**
 * bench:litmus's start hand-off probe, one worker per actor: copies 0..stride-1 with
 * the litmus spin start and nothing else (no ops, no skew), so the time per copy is
 * what the per-copy rendezvous alone costs on these cores. `clock` adds the two
 * performance.now() calls a timed copy takes around its ops.
 */
import { LH } from '../src/litmus/ctl.ts';
import { SpinBudget, barrier, spinStart } from '../src/litmus/spin.ts';

export interface HandoffTask {
  c: Int32Array;
  actor: number;
  actors: number;
  stride: number;
  rounds: number;
  clock: boolean;
}

export interface HandoffResult {
  nsPerCopy: number[];
  sleeps: number;
  starts: number;
}

export default function handoff(t: HandoffTask): HandoffResult {
  const { c, actor, actors: n, stride } = t;
  const budget = new SpinBudget();
  const out: number[] = [];
  let sink = 0;
  barrier(c, n, actor, 'start');
  for (let r = 0; r < t.rounds; r++) {
    barrier(c, n, actor, 'B0');
    const t0 = performance.now();
    for (let copy = 0; copy < stride; copy++) {
      spinStart(c, LH.SIZE + copy * 16, n, actor, copy, budget);
      if (t.clock) sink += performance.now() + performance.now();
    }
    out.push(((performance.now() - t0) * 1e6) / stride);
    barrier(c, n, actor, 'B1');
    if (actor === 0) for (let copy = 0; copy < stride; copy++) c[LH.SIZE + copy * 16] = 0;
    barrier(c, n, actor, 'B2');
  }
  return { nsPerCopy: sink === -1 ? [] : out, sleeps: budget.sleeps, starts: budget.starts };
}
