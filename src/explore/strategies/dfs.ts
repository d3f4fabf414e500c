/**
 * Bounded DFS (loom's search, CHESS's preemption bounding): every schedule with at
 * most P preemptions, each exactly once. An execution is the list of its deviations
 * from the non-preemptive default; after it ends, backtrack to the deepest decision
 * that has an untried alternative within the bound, and run the prefix up to it plus
 * that alternative (the default continues from there, adding no preemption).
 * Alternatives at a decision are ordered: the default first, then the other runnable
 * actors by index.
 */
import { H, decChosen, decCurrent, decMask, decPreempts, defaultChoice, type CtlLayout } from '../ctl.ts';
import type { Strategy } from './strategy.ts';
import { writeDeviations, type Deviation } from './deviations.ts';

export function alternatives(mask: number, current: number): number[] {
  const first = defaultChoice(mask, current);
  const out = [first];
  for (let a = 0; a < 8; a++) if (a !== first && (mask & (1 << a)) !== 0) out.push(a);
  return out;
}

export class DfsStrategy implements Strategy {
  readonly name = 'dfs';
  readonly decider = 2;
  private next: Deviation[] = [];
  /** schedules run so far */
  count = 0;
  /** the bound was searched completely */
  exhausted = false;

  constructor(
    readonly maxPreemptions: number,
    private readonly iterations: number,
    private readonly seed: number,
  ) {}

  newExecution(c: Int32Array, k: CtlLayout): boolean {
    if (this.exhausted || this.count >= this.iterations) return false;
    writeDeviations(c, k, this.next);
    c[H.OPRNG] = this.seed;
    this.count++;
    return true;
  }

  endExecution(c: Int32Array, k: CtlLayout): void {
    const n = c[H.STEP]!;
    const pre = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) pre[i + 1] = pre[i]! + (decPreempts(c[k.decisions + i]!) ? 1 : 0);
    for (let i = n - 1; i >= 0; i--) {
      const d = c[k.decisions + i]!;
      const mask = decMask(d);
      const cur = decCurrent(d);
      const alts = alternatives(mask, cur);
      const curRunnable = cur >= 0 && (mask & (1 << cur)) !== 0;
      for (let j = alts.indexOf(decChosen(d)) + 1; j < alts.length; j++) {
        const cand = alts[j]!;
        if (pre[i]! + (curRunnable && cand !== cur ? 1 : 0) > this.maxPreemptions) continue;
        const devs: Deviation[] = [];
        for (let s = 0; s < i; s++) {
          const ds = c[k.decisions + s]!;
          if (decChosen(ds) !== defaultChoice(decMask(ds), decCurrent(ds))) devs.push({ step: s, actor: decChosen(ds) });
        }
        devs.push({ step: i, actor: cand });
        this.next = devs;
        return;
      }
    }
    this.exhausted = true;
  }

  opSeed(): number {
    return this.seed;
  }

  summary(): string {
    return `dfs, at most ${this.maxPreemptions} preemption(s): ${this.count} schedule(s)${this.exhausted ? ', exhaustive within the bound' : ', bound not exhausted (--iterations reached)'}`;
  }
}
