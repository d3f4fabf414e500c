/**
 * Small straight-line programs of Atomics operations, as a DporSystem: the known-count
 * anchors (ainc, binc, casrot, wrw) and the random programs of the brute-force
 * differential (brute.ts) are written in it.
 *
 * An actor is a list of operations on words of one Int32Array; every operation is one
 * step. Each actor keeps the values its operations returned (its registers): the final
 * state of an execution is the memory and every actor's registers.
 */
import type { Accesses } from './access.ts';
import type { DporSystem } from './dpor.ts';

export type ProgOp =
  | { op: 'load'; word: number }
  | { op: 'store'; word: number; value: number }
  | { op: 'add'; word: number; value: number }
  | { op: 'exchange'; word: number; value: number }
  | { op: 'cas'; word: number; expected: number; value: number };

export interface Program {
  words: number;
  actors: ProgOp[][];
}

interface Snapshot {
  mem: Int32Array;
  pc: number[];
}

export class ProgramSystem implements DporSystem {
  readonly actors: number;
  private mem: Int32Array;
  private pc: number[];
  private regs: number[][];

  constructor(readonly program: Program) {
    this.actors = program.actors.length;
    this.mem = new Int32Array(program.words);
    this.pc = program.actors.map(() => 0);
    this.regs = program.actors.map(() => []);
  }

  reset(): void {
    this.mem.fill(0);
    this.pc.fill(0);
    for (const r of this.regs) r.length = 0;
  }

  private accessesOf(o: ProgOp): Accesses {
    switch (o.op) {
      case 'load':
        return [{ word: o.word, kind: 'read' }];
      case 'store':
        return [{ word: o.word, kind: 'write' }];
      case 'cas':
        return [{ word: o.word, kind: this.mem[o.word] === o.expected ? 'rmw' : 'read' }];
      default:
        return [{ word: o.word, kind: 'rmw' }];
    }
  }

  pending(actor: number): Accesses | null {
    const o = this.program.actors[actor]![this.pc[actor]!];
    return o === undefined ? null : this.accessesOf(o);
  }

  enabled(actor: number): boolean {
    return this.pc[actor]! < this.program.actors[actor]!.length;
  }

  step(actor: number): Accesses {
    const o = this.program.actors[actor]![this.pc[actor]!]!;
    const acc = this.accessesOf(o);
    const m = this.mem;
    let r: number;
    switch (o.op) {
      case 'load':
        r = m[o.word]!;
        break;
      case 'store':
        m[o.word] = o.value;
        r = o.value;
        break;
      case 'add':
        r = m[o.word]!;
        m[o.word] = (r + o.value) | 0;
        break;
      case 'exchange':
        r = m[o.word]!;
        m[o.word] = o.value;
        break;
      case 'cas':
        r = m[o.word]!;
        if (r === o.expected) m[o.word] = o.value;
        break;
    }
    this.regs[actor]!.push(r);
    this.pc[actor]!++;
    return acc;
  }

  checkpoint(): unknown {
    const s: Snapshot = { mem: this.mem.slice(), pc: this.pc.slice() };
    return s;
  }

  rollback(token: unknown): void {
    const s = token as Snapshot;
    this.mem.set(s.mem);
    for (let a = 0; a < this.actors; a++) {
      this.pc[a] = s.pc[a]!;
      this.regs[a]!.length = s.pc[a]!;
    }
  }

  /** The memory and every actor's registers, as one string. */
  finalState(): string {
    return `${[...this.mem].join(',')}|${this.regs.map((r) => r.join(',')).join('|')}`;
  }
}

// ---- the anchors of docs (dpor-and-lock-checking.md §4, §8) ----

/** N actors, each one Atomics.add on word 0 (GenMC ainc): N! traces. */
export function ainc(n: number): Program {
  return { words: 1, actors: Array.from({ length: n }, () => [{ op: 'add', word: 0, value: 1 }]) };
}

/** N actors, each one Atomics.add on its own word: 1 trace. */
export function distinctAdds(n: number): Program {
  return { words: n, actors: Array.from({ length: n }, (_, i) => [{ op: 'add', word: i, value: 1 }]) };
}

/** N actors each incrementing counters 0..k-1 (GenMC binc k=2, cinc k=3): (N!)^k traces. */
export function kinc(n: number, k: number): Program {
  return {
    words: k,
    actors: Array.from({ length: n }, () => Array.from({ length: k }, (_, w): ProgOp => ({ op: 'add', word: w, value: 1 }))),
  };
}

/** Actor i (1..N): compareExchange(x, i-1, i) (GenMC casrot): 2, 5, 14 for N = 2, 3, 4 with a failed CAS a read. */
export function casrot(n: number): Program {
  return { words: 1, actors: Array.from({ length: n }, (_, i) => [{ op: 'cas', word: 0, expected: i, value: i + 1 }]) };
}

/** One writer of x and N actors each `load x; store x` (GenMC wrw): 22, 300 for N = 2, 3. */
export function wrw(n: number): Program {
  return {
    words: 1,
    actors: [
      [{ op: 'store', word: 0, value: 1 }],
      ...Array.from({ length: n }, (_, i): ProgOp[] => [
        { op: 'load', word: 0 },
        { op: 'store', word: 0, value: i + 2 },
      ]),
    ],
  };
}
