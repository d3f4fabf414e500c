/**
 * DPOR in explore: source-DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas,
 * POPL 2014, Algorithm 1; the same algorithm as src/explore/dpor/dpor.ts, which is
 * tested against brute force) on the real workers of the controlled scheduler. One
 * execution per Mazurkiewicz trace of the steps' dependence; executions that the
 * sleep sets cut are counted apart. No preemption bound.
 *
 * Steps. A step is what an actor runs from one scheduling point to its next: the
 * point's operation (lock acquire or release, an atomic access, a plain access made
 * without the lock that guards the word, a named race window), then every access that
 * is not a point (plain accesses to words guarded by a lock it holds, immutable words)
 * up to the next point. The controller logs, for every step, the accesses it really
 * made (ctl.ts, ACC encoding): the point's own access, and every non-point access too.
 *
 * Dependence (access.ts, the lab's one relation): two steps are dependent when they
 * touch the same word and one writes. A lock operation (acquire, a blocked attempt,
 * release) is a read-modify-write of its lock's pseudo-word, so lock operations on the
 * same lock are dependent; a compareExchange counts as a read-modify-write even when
 * it fails (an over-approximation); a draw from the stress workload's generator is a
 * read-modify-write of one pseudo-word. A named race window has no known access: its
 * step is WILD, dependent with every step of every other actor (conservative: a window
 * never lets DPOR commute anything across it). A step whose log overflowed is wild too.
 *
 * Why this over-approximates what really happens between two points: every access the
 * model makes goes through the seam (src/shared/seam.ts), and the controller sees every
 * seam access, points or not, so the logged set is the step's real set of shared
 * accesses (plus the pseudo-words). Plain accesses under a held lock are logged too,
 * although by the locking discipline they cannot conflict with another actor's step
 * except through that lock: another actor reaches the word either under the same lock
 * (its lock operations are dependent with ours, which orders the two critical sections)
 * or without it (a bug, or a lockless atomic read of an [atomic] field written under
 * the lock): such an access is a scheduling point itself, and its word is in our log,
 * so the conflict is seen. Worker-local state is not shared; the control buffer is the
 * scheduler's own (lock holders are read through the lock's pseudo-word).
 *
 * Sleep sets use the accesses that the sleeping actor's step really made from that
 * state: the step was explored (that is why the actor sleeps), and a step is a
 * deterministic function of the state, so its accesses there are known exactly.
 *
 * Disabled actors: an actor blocked on a lock is not runnable. When a race asks for a
 * backtrack at a state where none of the candidates can run (or all sleep), every
 * runnable actor is added there (loom's conservative fallback).
 *
 * The two halves: the decider (in the worker holding the turn) replays the prefix the
 * main thread prepared, then continues with the non-preemptive default among the
 * actors that are awake, keeping the sleep set up to date from the access log; when
 * only sleeping actors can run, the execution is cut there (sleep-set blocked): the
 * main thread reads nothing past that step, and the execution runs on to its end in
 * the default order, uncounted (tearing it down mid-operation would leave the workers'
 * own lock objects in a state the next execution does not start from).
 * The main thread (DporStrategy) reads the decision and access logs, computes
 * happens-before by vector clocks, adds backtrack points for races, and picks the
 * next prefix: the deepest state with a backtrack actor not yet explored.
 *
 * Shards (--shard I/N): below `depth` D, every runnable actor is a backtrack choice
 * (full branching, which adds no complete execution: sleep sets keep complete
 * executions pairwise inequivalent), so races never add a backtrack point above D,
 * and the subtrees rooted at depth D are independent searches. They are numbered in
 * the order the search meets them and dealt round-robin; a shard runs the subtrees it
 * owns fully, and for the others only the first D steps (a probe, END.CUT at step D),
 * which is what it needs to know the sleep sets above D (cut there like a sleep-set
 * blocked execution). So N shards together run
 * exactly the whole search, and their trace counts add up to the single run's.
 *
 * Strategy area: [prefixLen, stopAt, nSleep, asleepMask, -, -, -, -, prefix..., then per
 * sleeping actor: actor, wild, count, entries...].
 */
import { LabFault } from '../../shared/lab-fault.ts';
import { ACC, H, accKind, accWord, defaultChoice, decChosen, decMask, type CtlLayout } from '../ctl.ts';
import { dependent, type Access, type AccessKind } from '../dpor/access.ts';
import type { Decider } from './decider.ts';
import type { Strategy } from './strategy.ts';

const PREFIX = 8;
const KINDS: readonly AccessKind[] = ['read', 'write', 'rmw'];

/** What a step touched: its accesses, or wild (unknown: dependent with everything). */
export interface StepAccess {
  wild: boolean;
  acc: Access[];
}

/** Decode log entries [from, to) of the access log; wild if any is, or if the log overflowed at or before `step`. */
export function stepAccessOf(c: Int32Array, k: CtlLayout, from: number, to: number, step: number): StepAccess {
  const full = c[H.LOGFULL]!;
  if (full !== 0 && full - 1 <= step) return { wild: true, acc: [] };
  const acc: Access[] = [];
  for (let i = from; i < to; i++) {
    const e = c[k.accessLog + i]!;
    const kind = accKind(e);
    if (kind === ACC.WILD) return { wild: true, acc: [] };
    acc.push({ word: accWord(e), kind: KINDS[kind]! });
  }
  return { wild: false, acc };
}

/** The dependence of two steps: access.ts's relation, and wild steps with everything. */
export function stepsDependent(a: StepAccess, b: StepAccess): boolean {
  return a.wild || b.wild || dependent(a.acc, b.acc);
}

function encode(a: Access): number {
  return (a.word << 2) | KINDS.indexOf(a.kind);
}

export const dporDecider: Decider = {
  nextTask(c, k, runnable, current, _isYielding, step) {
    const s = k.strategy;
    // past the cut the execution only runs to its end (the default order), to be discarded
    if (c[s + 4] !== 0) return defaultChoice(runnable, current);
    const prefixLen = c[s]!;
    const stopAt = c[s + 1]!;
    if (stopAt > 0 && step >= stopAt) {
      c[s + 4] = step + 1;
      return defaultChoice(runnable, current);
    }
    if (step < prefixLen) {
      const a = c[s + PREFIX + step]!;
      if ((runnable & (1 << a)) !== 0) return a;
      if (c[H.NONDET] === 0) c[H.NONDET] = step + 1;
      return defaultChoice(runnable, current);
    }
    let asleep = c[s + 3]!;
    if (asleep !== 0 && step > 0) {
      // the step just taken wakes every sleeper it is dependent with
      const last = stepAccessOf(c, k, c[k.stepStart + step - 1]!, c[k.stepStart + step]!, step - 1);
      let at = s + PREFIX + prefixLen;
      const nSleep = c[s + 2]!;
      for (let i = 0; i < nSleep; i++) {
        const actor = c[at]!;
        const wild = c[at + 1] !== 0;
        const count = c[at + 2]!;
        if ((asleep & (1 << actor)) !== 0) {
          const acc: Access[] = [];
          for (let j = 0; j < count; j++) {
            const e = c[at + 3 + j]!;
            acc.push({ word: accWord(e), kind: KINDS[accKind(e)]! });
          }
          if (stepsDependent({ wild, acc }, last)) asleep &= ~(1 << actor);
        }
        at += 3 + count;
      }
      c[s + 3] = asleep;
    }
    const awake = runnable & ~asleep;
    if (awake === 0) {
      // sleep-set blocked: every runnable actor's step was explored from here. The execution
      // is cut at this step (the main thread reads nothing past it) but runs to its end:
      // tearing it down mid-operation would leave the workers' own lock state behind.
      c[s + 4] = step + 1;
      return defaultChoice(runnable, current);
    }
    return defaultChoice(awake, current);
  },
};

interface Frame {
  /** runnable actors in this state (bit mask) */
  enabled: number;
  backtrack: Set<number>;
  done: Set<number>;
  /** asleep in this state: exploring them would repeat a trace; with the step each made from here */
  sleep: Map<number, StepAccess>;
}

interface Ev {
  actor: number;
  step: StepAccess;
  local: number;
  clock: Int32Array;
}

export interface ShardSpec {
  /** 1-based */
  index: number;
  count: number;
}

export interface DporCountsReport {
  traces: number;
  sleepBlocked: number;
  /** executions that ended in a deadlock (the search stops at the first) */
  blocked: number;
  /** shard mode: probes of subtrees another shard owns */
  probes: number;
  exhaustive: boolean;
}

/**
 * The full-branching depth of a sharded search: 10 + 5 ceil(log2 N) steps. The first
 * steps of the scenario actors mostly commute (they set up, or take different locks),
 * so a shallow split puts almost every trace in the first subtree: measured on
 * tsync_vs_clone_vs_exit (556 traces), 4 shards at depth 3 got 556/0/0/0, at depth 10
 * 0/0/196/360, at depth 20 80/28/252/196 (each shard also probes ~280 subtree
 * prefixes). Deeper means more probes; the counts add up exactly at every depth.
 */
export function shardDepth(count: number): number {
  return 10 + 5 * Math.ceil(Math.log2(Math.max(1, count)));
}

export class DporStrategy implements Strategy {
  readonly name = 'dpor';
  readonly decider = 4;
  private frames: Frame[] = [];
  private events: Ev[] = [];
  private next: { prefix: number[]; sleep: Map<number, StepAccess> } | null = { prefix: [], sleep: new Map() };
  /** the prefix length of the execution under way */
  private prefixLen = 0;
  private owned = true;
  private unit = 0;
  private executions = 0;
  readonly depth: number;
  traces = 0;
  sleepBlocked = 0;
  blocked = 0;
  probes = 0;
  /** the search ran out of states to explore (not cut by --iterations) */
  exhausted = false;

  constructor(
    private readonly nActors: number,
    private readonly iterations: number,
    private readonly seed: number,
    readonly shard: ShardSpec | null = null,
    /** the main thread's dependence (tests break it on purpose: the negative control) */
    private readonly dep: (a: StepAccess, b: StepAccess) => boolean = stepsDependent,
  ) {
    this.depth = shard ? shardDepth(shard.count) : 0;
  }

  newExecution(c: Int32Array, k: CtlLayout): boolean {
    if (this.next === null || this.executions >= this.iterations) return false;
    const { prefix, sleep } = this.next;
    const s = k.strategy;
    const P = prefix.length;
    // a new subtree at the shard depth starts when the search comes back above it
    if (this.shard && P - 1 < this.depth) {
      this.unit++;
      this.owned = (this.unit - 1) % this.shard.count === this.shard.index - 1;
    }
    c[s] = P;
    c[s + 1] = this.owned ? 0 : this.depth;
    for (let i = 0; i < P; i++) c[s + PREFIX + i] = prefix[i]!;
    let at = s + PREFIX + P;
    let n = 0;
    let mask = 0;
    const end = s + k.strategyWords;
    for (const [actor, st] of sleep) {
      if (at + 3 + st.acc.length > end) break; // no room: it stays awake (less pruning, still sound)
      c[at] = actor;
      c[at + 1] = st.wild ? 1 : 0;
      c[at + 2] = st.acc.length;
      for (let j = 0; j < st.acc.length; j++) c[at + 3 + j] = encode(st.acc[j]!);
      at += 3 + st.acc.length;
      mask |= 1 << actor;
      n++;
    }
    c[s + 2] = n;
    c[s + 3] = mask;
    c[s + 4] = 0;
    c[H.RECORD] = 1;
    c[H.OPRNG] = this.seed;
    this.prefixLen = P;
    this.executions++;
    return true;
  }

  /** 1 + the step at which the last execution was cut (0: it was not) */
  private cutAt = 0;

  /** Does the execution just run count (false: cut by the sleep sets, or a probe of another shard's subtree)? */
  lastCounts(): boolean {
    return this.owned && this.cutAt === 0;
  }

  endExecution(c: Int32Array, k: CtlLayout): void {
    // the prefix must replay exactly, or the search is not the one it claims to be (a lab fault)
    if (c[H.NONDET] !== 0) throw new LabFault(`dpor: uncontrolled nondeterminism: the recorded prefix did not replay at step ${c[H.NONDET]! - 1}`);
    this.cutAt = c[k.strategy + 4]!;
    const n = this.cutAt !== 0 ? this.cutAt - 1 : c[H.STEP]!;
    const endKind = c[H.END]!;
    if (!this.owned) this.probes++;
    else if (this.cutAt !== 0 || endKind === 4) this.sleepBlocked++;
    else if (endKind === 0) this.traces++;
    else if (endKind === 1) this.blocked++;
    const first = Math.max(0, this.prefixLen - 1);
    // the kept prefix must have run as recorded: the same runnable actors and the same writes at every step
    // (reads are not compared: a worker may read an immutable word once and cache it, which conflicts with nothing)
    const writesOf = (x: StepAccess): string => (x.wild ? 'wild' : x.acc.filter((y) => y.kind !== 'read').map((y) => `${y.word}${y.kind}`).sort().join());
    for (let st = 0; st < Math.min(first, n); st++) {
      const now = stepAccessOf(c, k, c[k.stepStart + st]!, c[k.stepStart + st + 1]!, st);
      if (decMask(c[k.decisions + st]!) !== this.frames[st]!.enabled || writesOf(this.events[st]!.step) !== writesOf(now))
        throw new LabFault(`dpor: uncontrolled nondeterminism: the recorded prefix ran differently at step ${st}`);
    }
    if (n < first) throw new LabFault(`dpor: uncontrolled nondeterminism: the recorded prefix ended early, at step ${n}`);
    // the frames and events of the steps this execution took beyond the kept prefix
    this.frames.length = Math.min(this.frames.length, first + 1);
    this.events.length = first;
    const logEnd = c[H.LOGLEN]!;
    for (let st = first; st < n; st++) {
      const d = c[k.decisions + st]!;
      const actor = decChosen(d);
      const enabled = decMask(d);
      if (st >= this.frames.length) {
        const sleep = new Map<number, StepAccess>();
        if (st > 0) {
          const parent = this.frames[st - 1]!;
          const prev = this.events[st - 1]!;
          for (const [q, qs] of parent.sleep) if (q !== prev.actor && !this.dep(qs, prev.step)) sleep.set(q, qs);
        }
        const backtrack = new Set<number>([actor]);
        if (st < this.depth) for (let a = 0; a < this.nActors; a++) if ((enabled & (1 << a)) !== 0 && !sleep.has(a)) backtrack.add(a);
        this.frames.push({ enabled, backtrack, done: new Set([actor]), sleep });
      }
      const to = st + 1 < c[H.STEP]! ? c[k.stepStart + st + 1]! : logEnd;
      this.addEvent(actor, stepAccessOf(c, k, c[k.stepStart + st]!, to, st));
    }
    this.next = this.backtrack();
    if (this.next === null) this.exhausted = true;
  }

  private addEvent(actor: number, step: StepAccess): void {
    const events = this.events;
    const idx = events.length;
    const clock = new Int32Array(this.nActors);
    let local = 0;
    for (let j = idx - 1; j >= 0; j--)
      if (events[j]!.actor === actor) {
        clock.set(events[j]!.clock);
        local = events[j]!.local + 1;
        break;
      }
    clock[actor] = local + 1;
    const racing: number[] = [];
    for (let j = idx - 1; j >= 0; j--) {
      const e = events[j]!;
      if (e.actor === actor) continue;
      if (clock[e.actor]! > e.local) continue; // already happens before
      if (!this.dep(e.step, step)) continue;
      racing.push(j);
      for (let a = 0; a < this.nActors; a++) if (e.clock[a]! > clock[a]!) clock[a] = e.clock[a]!;
    }
    const ev: Ev = { actor, step, local, clock };
    for (const j of racing) this.addBacktrack(j, ev, idx);
    events.push(ev);
  }

  /** Race of events[j] with ev (about to be events[idx]): an initial of notdep(events[j]).ev into backtrack(frame j). */
  private addBacktrack(j: number, ev: Ev, idx: number): void {
    const hb = (e: Ev, f: Ev): boolean => f.clock[e.actor]! > e.local;
    const ej = this.events[j]!;
    const frame = this.frames[j]!;
    const v: Ev[] = [];
    const initials = new Set<number>();
    for (let i = j + 1; i < idx; i++) {
      const e = this.events[i]!;
      if (hb(ej, e)) continue;
      if (!v.some((x) => hb(x, e))) initials.add(e.actor);
      v.push(e);
    }
    if (!v.some((x) => hb(x, ev))) initials.add(ev.actor);
    for (const q of initials) if (frame.backtrack.has(q)) return;
    const runs = (q: number): boolean => (frame.enabled & (1 << q)) !== 0 && !frame.sleep.has(q);
    const pick = runs(ev.actor) ? ev.actor : [...initials].find(runs);
    if (pick !== undefined) frame.backtrack.add(pick);
    else for (let a = 0; a < this.nActors; a++) if (runs(a)) frame.backtrack.add(a);
  }

  /** The next prefix: the deepest state with a backtrack actor not explored yet (null: the search is over). */
  private backtrack(): { prefix: number[]; sleep: Map<number, StepAccess> } | null {
    const { frames, events } = this;
    while (frames.length > 0) {
      const d = frames.length - 1;
      const f = frames[d]!;
      if (events.length > d) {
        // the subtree below events[d] is done: its actor sleeps here from now on
        const ev = events.pop()!;
        f.sleep.set(ev.actor, ev.step);
      }
      const cands = [...f.backtrack].sort((a, b) => a - b);
      for (const q of cands) {
        if (f.done.has(q)) continue;
        f.done.add(q);
        if ((f.enabled & (1 << q)) === 0 || f.sleep.has(q)) continue;
        return { prefix: [...events.map((e) => e.actor), q], sleep: new Map(f.sleep) };
      }
      frames.pop();
    }
    return null;
  }

  opSeed(): number {
    return this.seed;
  }

  counts(): DporCountsReport {
    return { traces: this.traces, sleepBlocked: this.sleepBlocked, blocked: this.blocked, probes: this.probes, exhaustive: this.exhausted };
  }

  summary(): string {
    const sh = this.shard ? `shard ${this.shard.index}/${this.shard.count} (subtrees below depth ${this.depth}, ${this.probes} probe(s) of other shards' subtrees), ` : '';
    const cut = `${this.sleepBlocked} execution(s) cut by sleep sets`;
    return this.exhausted
      ? `dpor, ${sh}exhaustive: ${this.traces} trace(s), ${cut}`
      : `dpor, ${sh}not exhaustive (${this.executions >= this.iterations ? `--iterations ${this.iterations} reached` : 'stopped'}): ${this.traces} trace(s) so far, ${cut}`;
  }
}
