/**
 * Reading one copy's outcome after a stride, inside an actor's worker (quiescent: after
 * barrier B1, nobody writes the lab buffer, so plain reads of the layout's fields, as the
 * audit does). The hot path builds a compact key from integers (op results, each
 * thread's liveness, mode, nnp and chain labels) and looks it up by hash, confirmed
 * exactly; only a key not seen before is turned into the full ConcurrentResult, graded against the file
 * and rendered as the canonical outcome line (concurrent-outcome.ts), exactly as
 * explore does.
 */
import { MODE, NODE, TASK, TSTATE, handleGen, handleSlot } from '../shared/layout.ts';
import type { Ctx } from '../seccomp/context.ts';
import { decodeResult, threadStates, type LabelPlan } from '../scenario/concurrent-ops.ts';
import { grade, renderOutcome } from '../scenario/concurrent-outcome.ts';
import type { ConcurrentResult, ConcurrentScenario, Grade } from '../scenario/concurrent-types.ts';
import type { StepResult } from '../scenario/types.ts';
import { TIME, type LitmusCtl } from './ctl.ts';
import { RESULT } from '../workers/control.ts';

export interface OutcomeEntry {
  outcome: string;
  expect: Grade;
  desc: string;
  count: number;
}

export interface CopyTables {
  names: string[];
  handles: Int32Array;
  tids: Int32Array;
  setupResults: StepResult[];
}

interface KeyEntry {
  key: number[];
  entry: OutcomeEntry;
  next: KeyEntry | undefined;
}

function sameKey(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Chains longer than this are cut in the key (the full result still has them all). */
const MAX_CHAIN = 64;

export class Evaluator {
  /** entries by outcome line */
  readonly table = new Map<string, OutcomeEntry>();
  /** keys seen, by hash (chained on collision) */
  private readonly byHash = new Map<number, KeyEntry>();
  private readonly key: number[] = [];
  private readonly h: number[];
  private readonly tid: number[];
  private readonly T: number;
  /** per actor, per op: index of the thread name its clone creates, -1 */
  private readonly childOf: number[][];

  constructor(
    /** the shared buffer: graded copies are quiescent, read plainly */
    private readonly m: Int32Array,
    private readonly ctx: Ctx,
    private readonly s: ConcurrentScenario,
    private readonly plan: LabelPlan,
    private readonly k: LitmusCtl,
    private readonly t: CopyTables,
  ) {
    this.T = t.names.length;
    this.h = new Array<number>(this.T).fill(0);
    this.tid = new Array<number>(this.T).fill(0);
    this.childOf = s.actorNames.map((a) => s.actors[a]!.map((op) => (op.op === 'clone' ? t.names.indexOf(op.child!) : -1)));
  }

  /** Grade copy `copy`; returns its entry (counted). */
  sample(c: Int32Array, copy: number): OutcomeEntry {
    const { ctx, k, T, h, tid } = this;
    const nA = this.childOf.length;
    for (let i = 0; i < T; i++) {
      h[i] = this.t.handles[copy * T + i]!;
      tid[i] = this.t.tids[copy * T + i]!;
    }
    for (let a = 0; a < nA; a++) {
      const ops = this.childOf[a]!;
      for (let i = 0; i < ops.length; i++) {
        const j = ops[i]!;
        if (j < 0) continue;
        const r = k.result(copy, a, i);
        if (c[r + RESULT.CODE] === 0 && c[r + RESULT.CHILD] !== 0) {
          h[j] = c[r + RESULT.CHILD]!;
          tid[j] = c[r + RESULT.CHILD_TID]!;
        }
      }
    }
    // the key: plain reads (quiescent after barrier B1; the barrier's Atomics order them)
    const key = this.key;
    key.length = 0;
    const m = this.m;
    const L = ctx.L;
    for (let a = 0; a < nA; a++) {
      const n = this.childOf[a]!.length;
      for (let i = 0; i < n; i++) {
        const r = k.result(copy, a, i);
        const code = c[r + RESULT.CODE]!;
        let arg = c[r + RESULT.ARG]!;
        if (code === 2) arg = tid.indexOf(arg) + 1;
        key.push(code, arg);
      }
    }
    for (let i = 0; i < T; i++) {
      const t = h[i]!;
      const slot = handleSlot(t);
      const at = L.task(slot);
      if (t === 0 || slot >= L.cfg.maxTasks || m[at + TASK.GEN] !== handleGen(t) || m[at + TASK.STATE] !== TSTATE.ALIVE) {
        key.push(0);
        continue;
      }
      key.push(1 + (m[at + TASK.MODE] === MODE.FILTER ? 2 : 0) + (m[at + TASK.NNP] !== 0 ? 4 : 0));
      let f = m[at + TASK.HEAD]!;
      for (let d = 0; f !== 0 && d < MAX_CHAIN; d++) {
        const nat = L.node(handleSlot(f));
        key.push(m[nat + NODE.LABEL]! + 1);
        f = m[nat + NODE.PREV]!;
      }
      key.push(0);
    }
    // FNV-1a over the key's integers, confirmed exactly on a hit
    let hsh = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) hsh = Math.imul(hsh ^ key[i]!, 0x01000193);
    hsh >>>= 0;
    let e = this.byHash.get(hsh);
    while (e !== undefined && !sameKey(e.key, key)) e = e.next;
    if (e === undefined) {
      const full = this.full(c, copy);
      const seen = this.table.get(full.outcome);
      const entry = seen ?? full;
      if (!seen) this.table.set(full.outcome, entry);
      e = { key: key.slice(), entry, next: this.byHash.get(hsh) };
      this.byHash.set(hsh, e);
    }
    e.entry.count++;
    return e.entry;
  }

  /** The full result of a copy, graded and rendered (first time a key is seen). */
  private full(c: Int32Array, copy: number): OutcomeEntry {
    const { s, k, h, tid } = this;
    const handles: Record<string, number> = {};
    this.t.names.forEach((n, i) => {
      if (h[i] !== 0) handles[n] = h[i]!;
    });
    const tidName = (x: number) => {
      const i = tid.indexOf(x);
      return i >= 0 ? this.t.names[i]! : `tid${x}`;
    };
    const actors: Record<string, StepResult[]> = {};
    s.actorNames.forEach((a, ai) => {
      actors[a] = s.actors[a]!.map((_, i) => {
        const r = k.result(copy, ai, i);
        return decodeResult(c[r + RESULT.CODE]!, c[r + RESULT.ARG]!, tidName);
      });
    });
    const result: ConcurrentResult = { setup: this.t.setupResults, actors, threads: threadStates(this.ctx, this.t.names, handles, this.plan.labels) };
    const g = grade(s, result);
    return { outcome: renderOutcome(s, result), expect: g.expect, desc: g.desc, count: 0 };
  }
}

/** How the actors of one copy overlapped in time. */
export interface Overlap {
  /** op intervals intersect */
  overlap: boolean;
  /** an actor's op started inside another actor's siglock window */
  inWindow: boolean;
  /** an actor asked for siglock while another held it */
  contended: boolean;
  /** latest minus earliest op start, ms */
  skew: number;
  /** the actors' mean op duration (first op's start to last op's end), ms */
  opMean: number;
}

export function overlapOf(times: Float64Array, k: LitmusCtl, copy: number, out: Overlap): Overlap {
  out.overlap = out.inWindow = out.contended = false;
  let lo = Infinity;
  let hi = -Infinity;
  let ops = 0;
  for (let a = 0; a < k.actors; a++) {
    const x = k.time(copy, a);
    const start = times[x + TIME.OP_START]!;
    ops += times[x + TIME.OP_END]! - start;
    if (start < lo) lo = start;
    if (start > hi) hi = start;
    for (let b = 0; b < k.actors; b++) {
      if (b === a) continue;
      const y = k.time(copy, b);
      if (Math.max(start, times[y + TIME.OP_START]!) < Math.min(times[x + TIME.OP_END]!, times[y + TIME.OP_END]!)) out.overlap = true;
      const acq = times[y + TIME.SIG_ACQ]!;
      const rel = times[y + TIME.SIG_REL]!;
      if (acq === 0) continue;
      if (start >= acq && start <= rel) out.inWindow = true;
      const want = times[x + TIME.SIG_WANT]!;
      if (want !== 0 && want >= acq && want <= rel) out.contended = true;
    }
  }
  out.skew = hi - lo;
  out.opMean = ops / k.actors;
  return out;
}
