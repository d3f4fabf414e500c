/**
 * What each actor runs, inside its worker: the workload spec (serialisable; built by
 * the main thread after setup) and the actor bodies. Everything an actor decides comes
 * from its spec, the shared state, or `io.nextU64()` (the schedule's generator): no
 * Math.random, no clock.
 */
import type { Ctx } from '../seccomp/context.ts';
import { OK_RESULT as OK, runOp, type EncodedResult, type LabelPlan } from '../scenario/concurrent-ops.ts';
import { runKind, type OpKind } from '../scenario/op-kinds.ts';
import { ACTOR_OPS, type ConcurrentScenario } from '../scenario/concurrent-types.ts';

/**
 * The stress workload's op kinds (of the one vocabulary: src/scenario/op-kinds.ts) and
 * its own weights (sync only where the design has it). Its draw walks them in this
 * order; recorded schedules of the stress workload depend on both.
 */
export const STRESS_OPS = ['tsync', 'attach', 'clone', 'exit', 'syscall', 'sync', 'set_nnp'] as const satisfies readonly OpKind[];
export const STRESS_WEIGHTS = [4, 2, 2, 1, 2, 2, 1] as const;

export const PROBES = ['windows', 'abba', 'nondet'] as const;
export type Probe = (typeof PROBES)[number];

export type WorkloadSpec =
  | { kind: 'scenario'; scenario: ConcurrentScenario; handles: Record<string, number>; labels: LabelPlan }
  | { kind: 'stress'; ops: number; handles: number[]; hasSync: boolean }
  /** test probes: k race windows per actor; an ABBA lock pair; windows plus an uncontrolled extra one */
  | { kind: 'probe'; probe: Probe; k: number; locks: number[] };

export interface ActorIo {
  opStart(i: number, kind: number): void;
  opEnd(i: number, r: EncodedResult): void;
  nextU64(): number;
  /** the negative-control hook is armed (probe "nondet") */
  readonly inject: boolean;
}

export type ActorBody = (ctx: Ctx, io: ActorIo) => void;

/** Executions this worker has run: worker-local state the scheduler does not control. */
let localRuns = 0;

export function actorBody(spec: WorkloadSpec, actor: number, names: readonly string[]): ActorBody {
  switch (spec.kind) {
    case 'scenario': {
      const name = names[actor]!;
      const ops = spec.scenario.actors[name]!;
      const labels = spec.labels.actors[name]!;
      const t = spec.handles[name]!;
      return (ctx, io) => {
        ops.forEach((op, i) => {
          io.opStart(i, ACTOR_OPS.indexOf(op.op));
          ctx.op = `${name} op ${i} ${op.op}`;
          io.opEnd(i, runOp(ctx, t, op, labels[i]!));
        });
      };
    }
    case 'stress': {
      const n = spec.handles.length;
      const kinds: number[] = STRESS_OPS.map((_, i): number => (STRESS_OPS[i] === 'sync' && !spec.hasSync ? 0 : STRESS_WEIGHTS[i]!));
      const total = kinds.reduce((a, b) => a + b, 0);
      return (ctx, io) => {
        let t = spec.handles[actor]!;
        const children: number[] = [];
        let seq = 0;
        for (let i = 0; i < spec.ops; i++) {
          let r = io.nextU64() % total;
          let kind = 0;
          while (r >= kinds[kind]!) r -= kinds[kind++]!;
          const k = STRESS_OPS[kind]!;
          io.opStart(i, kind);
          ctx.op = `actor ${actor} op ${i} ${k}`;
          const res = runKind(ctx, t, k, 1 + actor + n * seq++);
          if (k === 'clone' && res.code === 0) children.push(res.child);
          io.opEnd(i, res);
          if (k === 'exit') {
            // go on as the newest child this actor cloned, if any
            const next = children.pop();
            if (next === undefined) return;
            t = next;
          }
        }
      };
    }
    case 'probe': {
      const { k } = spec;
      if (spec.probe === 'abba') {
        const [a, b] = actor === 0 ? [spec.locks[0]!, spec.locks[1]!] : [spec.locks[1]!, spec.locks[0]!];
        return (ctx, io) => {
          io.opStart(0, 0);
          ctx.lock(a, () => {
            ctx.seam.window(1);
            ctx.lock(b, () => ctx.seam.window(2));
          });
          io.opEnd(0, OK);
        };
      }
      return (ctx, io) => {
        io.opStart(0, 0);
        for (let i = 0; i < k; i++) ctx.seam.window(100 + i);
        // the negative control: a choice the scheduler does not control (worker-local state)
        if (spec.probe === 'nondet' && io.inject && actor === 0 && localRuns++ % 2 === 1) ctx.seam.window(199);
        io.opEnd(0, OK);
      };
    }
  }
}
