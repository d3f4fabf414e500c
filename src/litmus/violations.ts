/**
 * Checker violations seen by a litmus actor: the first of each kind kept in full
 * (printed in full by the CLI), the rest counted. Always forbidden.
 */
import type { Finding } from '../shared/finding.ts';
import type { Reporter, Violation } from '../seccomp/violations.ts';

/** A finding (src/shared/finding.ts) of a litmus actor, with its count. */
export interface LitmusViolation extends Finding {
  /** the op being run when it was found ("main op 0 attach", "audit after a round") */
  op: string;
  /** the actor that reported it */
  actor: string;
  tasks: number[];
  nodes: number[];
  /** how many times this kind was reported */
  count: number;
  /** samples this actor had counted when it first occurred */
  atSample: number;
}

export class FirstViolations implements Reporter {
  readonly byKind = new Map<string, LitmusViolation>();
  total = 0;
  /** the actor's sample count, kept current by the actor loop */
  samples = 0;

  constructor(private readonly actor: string) {}

  report(v: Omit<Violation, 'worker'>): void {
    this.total++;
    const seen = this.byKind.get(v.kind);
    if (seen) {
      seen.count++;
      return;
    }
    this.byKind.set(v.kind, { kind: v.kind, message: v.message, op: v.op ?? '', actor: this.actor, tasks: v.tasks, nodes: v.nodes, count: 1, atSample: this.samples });
  }

  list(): LitmusViolation[] {
    return [...this.byKind.values()];
  }
}

/** Merge the actors' lists: one entry per kind, the earliest-found message, summed counts. */
export function mergeViolations(lists: LitmusViolation[][]): LitmusViolation[] {
  const out = new Map<string, LitmusViolation>();
  for (const l of lists)
    for (const v of l) {
      const seen = out.get(v.kind);
      if (!seen) out.set(v.kind, { ...v });
      else {
        seen.count += v.count;
        if (v.atSample < seen.atSample) Object.assign(seen, { ...v, count: seen.count });
      }
    }
  return [...out.values()];
}
