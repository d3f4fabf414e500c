/**
 * PCT (Burckhardt et al., ASPLOS 2010): every actor gets a random distinct priority
 * >= d, and d-1 change points are drawn uniformly from the first k steps; at the j-th
 * change point the running actor's priority drops to j (below every initial one). The
 * highest-priority runnable actor runs. A bug of depth d is found in one execution with
 * probability at least 1/(n * k^(d-1)), n actors, k steps.
 * Strategy area: [d-1, prio[0..7], change step[0..d-2]].
 * k is measured: the longest execution seen so far (the first one runs with a guess).
 */
import { H, MAX_ACTORS, type CtlLayout } from '../ctl.ts';
import type { Decider } from './decider.ts';
import type { Strategy } from './strategy.ts';
import { mixSeed } from './strategy.ts';
import { Rng } from '../../shared/rng.ts';

export const pctDecider: Decider = {
  nextTask(c, k, runnable, current, _y, step) {
    const s = k.strategy;
    const nChange = c[s]!;
    const prio = s + 1;
    for (let j = 0; j < nChange; j++) if (c[prio + MAX_ACTORS + j] === step && current >= 0) c[prio + current] = j;
    let best = -1;
    let bp = -1;
    for (let a = 0; a < MAX_ACTORS; a++) if ((runnable & (1 << a)) !== 0 && c[prio + a]! > bp) {
      bp = c[prio + a]!;
      best = a;
    }
    return best;
  },
};

export class PctStrategy implements Strategy {
  readonly name = 'pct';
  readonly decider = 1;
  private i = 0;
  /** k: the longest execution so far, in steps */
  k = 0;

  constructor(
    private readonly seed: number,
    private readonly iterations: number,
    readonly depth: number,
    private readonly nActors: number,
    private readonly varyOps: boolean,
  ) {}

  newExecution(c: Int32Array, kl: CtlLayout): boolean {
    if (this.i >= this.iterations) return false;
    const rng = new Rng(mixSeed(this.seed, this.i, 3));
    const s = kl.strategy;
    const d = this.depth;
    c[s] = d - 1;
    // a random permutation of d .. d+n-1
    const prios = Array.from({ length: this.nActors }, (_, a) => d + a);
    for (let a = prios.length - 1; a > 0; a--) {
      const j = rng.int(a + 1);
      [prios[a], prios[j]] = [prios[j]!, prios[a]!];
    }
    for (let a = 0; a < MAX_ACTORS; a++) c[s + 1 + a] = a < prios.length ? prios[a]! : -1;
    const k = Math.max(this.k, 8);
    for (let j = 0; j < d - 1; j++) c[s + 1 + MAX_ACTORS + j] = 1 + rng.int(k);
    c[H.OPRNG] = this.opSeed();
    this.i++;
    return true;
  }

  endExecution(c: Int32Array): void {
    this.k = Math.max(this.k, c[H.STEP]!);
  }

  opSeed(): number {
    return this.varyOps ? mixSeed(this.seed, this.i, 2) : this.seed;
  }

  /** 1/(n * k^(d-1)) */
  bound(): number {
    return 1 / (this.nActors * Math.pow(Math.max(1, this.k), this.depth - 1));
  }

  summary(): string {
    return `pct depth ${this.depth} (seed ${this.seed}): n=${this.nActors} actors, k=${this.k} steps measured, per-run bound 1/(n·k^(d-1)) = ${this.bound().toExponential(2)}`;
  }
}
