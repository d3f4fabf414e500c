/**
 * Source-DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, "Optimal Dynamic
 * Partial Order Reduction", POPL 2014, Algorithm 1), over any system of actors whose
 * next step's accesses are known before it runs (the scheduling point sits before
 * each operation, as in loom).
 *
 * It explores one execution per Mazurkiewicz trace of the dependence relation
 * (access.ts): every complete execution it reports is of a different trace, and
 * every trace is reported once. Executions that the sleep sets cut before their end
 * (no enabled actor is awake: the rest is covered elsewhere) are counted apart, as
 * Nidhugg does ("Trace count: 16 (also 0 sleepset blocked)"). Executions that end
 * with actors left but none enabled are `blocked` (a deadlock, or an actor that can
 * never go on): the system's own checker says what that means.
 *
 * Stateless: the explorer keeps the event sequence and, per state, the backtrack
 * set, the done set and the sleep set; to go back it asks the system to roll back
 * to a checkpoint (when it offers that) or resets it and replays the prefix.
 *
 * Independent of how actors run: nothing here imports above src/explore/dpor.
 */
import { dependent as labDependence, type Accesses, type Dependence } from './access.ts';

/** What the explorer needs from the system under test. All of it is deterministic. */
export interface DporSystem {
  readonly actors: number;
  /** Back to the initial state. */
  reset(): void;
  /** The accesses `actor`'s next step would make in the current state; null when it has finished. */
  pending(actor: number): Accesses | null;
  /** Can `actor` take its next step now (it has one and is not blocked)? */
  enabled(actor: number): boolean;
  /** Take `actor`'s next step; returns the accesses it really made. */
  step(actor: number): Accesses;
  /** Optional fast backtracking: a token for the current state, and a way back to it. */
  checkpoint?(): unknown;
  rollback?(token: unknown): void;
}

export type EndKind = 'complete' | 'blocked' | 'sleep-blocked' | 'step-cap';

export interface DporEvent {
  readonly actor: number;
  readonly accesses: Accesses;
  /** index of this event among its actor's events */
  readonly local: number;
  /** clock[a] = how many of actor a's events happen before (or are) this one */
  readonly clock: Int32Array;
}

export interface ExecutionEnd {
  kind: EndKind;
  /** the actor of every step, in order */
  schedule: readonly number[];
  events: readonly DporEvent[];
}

export interface DporOptions {
  /** stop after this many executions of any kind (a bound: the result is then not exhaustive) */
  maxExecutions?: number;
  /** an execution longer than this many steps is cut (a bound) */
  maxSteps?: number;
  /** the dependence relation (default: the lab's; tests break it on purpose) */
  dependence?: Dependence;
  /** scan held-back actors for races (default true; a negative control turns it off) */
  awaitRaces?: boolean;
  /** called at the end of every execution, with the system in its final state; 'stop' ends the search */
  onExecution?: (end: ExecutionEnd) => void | 'stop';
  /** called every `progressEvery` executions */
  onProgress?: (r: DporCounts) => void;
  progressEvery?: number;
}

export interface DporCounts {
  /** complete executions: one per Mazurkiewicz trace */
  traces: number;
  /** executions ended with actors left but none enabled */
  blocked: number;
  /** executions cut by the sleep sets (redundant) */
  sleepBlocked: number;
  /** executions cut at maxSteps */
  stepCapped: number;
}

export interface DporResult extends DporCounts {
  /** every execution was explored (no bound cut the search, and it was not stopped) */
  exhaustive: boolean;
  /** what cut the search, or null */
  cutBy: string | null;
  elapsedMs: number;
  /** steps taken in all (replays not counted) */
  steps: number;
}

interface Frame {
  /** actors enabled in this state */
  enabled: boolean[];
  /** each actor's pending accesses in this state (null: finished) */
  pending: (Accesses | null)[];
  /** actors to explore from here (including the ones done) */
  backtrack: Set<number>;
  done: Set<number>;
  /** asleep: exploring them from here would repeat a trace already explored */
  sleep: Map<number, Accesses>;
  token: unknown;
}

export function exploreDpor(system: DporSystem, opts: DporOptions = {}): DporResult {
  const t0 = performance.now();
  const n = system.actors;
  const dep = opts.dependence ?? labDependence;
  const maxExecutions = opts.maxExecutions ?? Infinity;
  const maxSteps = opts.maxSteps ?? Infinity;
  const progressEvery = opts.progressEvery ?? 1000;
  const counts: DporCounts = { traces: 0, blocked: 0, sleepBlocked: 0, stepCapped: 0 };
  let steps = 0;
  let stopped = false;
  let executionsCut = false;
  const useRollback = typeof system.checkpoint === 'function' && typeof system.rollback === 'function';

  const events: DporEvent[] = [];
  const schedule: number[] = [];
  const localCount = new Int32Array(n);
  /** the last event index of each actor, -1 none */
  const lastOf: number[] = new Array<number>(n).fill(-1);
  const frames: Frame[] = [];
  /** the system is in the state after `sysDepth` events */
  let sysDepth = 0;

  const makeFrame = (sleep: Map<number, Accesses>): Frame => {
    const enabled: boolean[] = [];
    const pending: (Accesses | null)[] = [];
    for (let a = 0; a < n; a++) {
      const p = system.pending(a);
      pending.push(p);
      enabled.push(p !== null && system.enabled(a));
    }
    return { enabled, pending, backtrack: new Set(), done: new Set(), sleep, token: useRollback ? system.checkpoint!() : undefined };
  };

  const totalExecutions = (): number => counts.traces + counts.blocked + counts.sleepBlocked + counts.stepCapped;

  const endExecution = (kind: EndKind): void => {
    if (kind === 'complete') counts.traces++;
    else if (kind === 'blocked') counts.blocked++;
    else if (kind === 'sleep-blocked') counts.sleepBlocked++;
    else counts.stepCapped++;
    if (kind !== 'sleep-blocked' && opts.onExecution?.({ kind, schedule, events }) === 'stop') stopped = true;
    const total = totalExecutions();
    if (opts.onProgress && total % progressEvery === 0) opts.onProgress({ ...counts });
    if (total >= maxExecutions) executionsCut = true;
  };

  /** Bring the system to the state after `depth` events of the current sequence. */
  const goTo = (depth: number): void => {
    if (sysDepth === depth) return;
    if (useRollback) system.rollback!(frames[depth]!.token);
    else {
      system.reset();
      for (let i = 0; i < depth; i++) system.step(events[i]!.actor);
    }
    sysDepth = depth;
  };

  const happensBefore = (e: DporEvent, f: DporEvent): boolean => f.clock[e.actor]! > e.local;

  /**
   * The step `actor` would take next with `accesses`, as an event after the current
   * ones: its clock, and the events it races with. Scan backwards: a dependent event not
   * yet ordered before it is in a race with it (nothing in between orders them);
   * everything before that one is then ordered.
   */
  const nextEvent = (actor: number, accesses: Accesses): { ev: DporEvent; racing: number[] } => {
    const clock = new Int32Array(n);
    const prev = lastOf[actor]!;
    if (prev >= 0) clock.set(events[prev]!.clock);
    const local = localCount[actor]!;
    clock[actor] = local + 1;
    const racing: number[] = [];
    for (let j = events.length - 1; j >= 0; j--) {
      const e = events[j]!;
      if (e.actor === actor || clock[e.actor]! > e.local || !dep(e.accesses, accesses)) continue;
      racing.push(j);
      for (let a = 0; a < n; a++) if (e.clock[a]! > clock[a]!) clock[a] = e.clock[a]!;
    }
    return { ev: { actor, accesses, local, clock }, racing };
  };

  /** A new event: its clock, and a backtrack point for each race it is in (source-DPOR). */
  const addEvent = (actor: number, accesses: Accesses): DporEvent => {
    const idx = events.length;
    const { ev, racing } = nextEvent(actor, accesses);
    const local = ev.local;
    for (const j of racing) addBacktrack(j, ev, idx);
    events.push(ev);
    schedule.push(actor);
    localCount[actor] = local + 1;
    lastOf[actor] = idx;
    return ev;
  };

  /**
   * Race of events[j] with `ev` (about to be events[idx]): v = notdep(events[j]).actor(ev);
   * unless some initial of v is already in backtrack(frame j), add one.
   */
  const addBacktrack = (j: number, ev: DporEvent, idx: number): void => {
    const ej = events[j]!;
    const frame = frames[j]!;
    const v: DporEvent[] = [];
    const initials = new Set<number>();
    for (let i = j + 1; i < idx; i++) {
      const e = events[i]!;
      if (happensBefore(ej, e)) continue;
      if (!v.some((k) => happensBefore(k, e))) initials.add(e.actor);
      v.push(e);
    }
    if (!v.some((k) => happensBefore(k, ev))) initials.add(ev.actor);
    for (const q of initials) if (frame.backtrack.has(q)) return;
    // prefer an initial that can run there and is awake; the racing actor first
    const order = [ev.actor, ...[...initials].filter((q) => q !== ev.actor)].filter((q) => initials.has(q));
    const pick = order.find((q) => frame.enabled[q] && !frame.sleep.has(q));
    if (pick !== undefined) {
      frame.backtrack.add(pick);
      return;
    }
    // No initial can run at j: the racing actor was blocked there (it awaits a value, as
    // a spinner or a sleeper does), and the order to try is the one in which it ran
    // before the write that blocked it. Take the latest earlier state where it could
    // already take this same step (Flanagan and Godefroid's treatment of a disabled
    // process); failing that, every actor that can run at j.
    for (let i = j - 1; i > lastOf[ev.actor]!; i--) {
      const fi = frames[i]!;
      if (fi.enabled[ev.actor] && !fi.sleep.has(ev.actor)) {
        fi.backtrack.add(ev.actor);
        return;
      }
    }
    for (let q = 0; q < n; q++) if (frame.enabled[q] && !frame.sleep.has(q)) frame.backtrack.add(q);
  };

  const popEvent = (): void => {
    const ev = events.pop()!;
    schedule.pop();
    localCount[ev.actor] = ev.local;
    let prev = -1;
    for (let i = events.length - 1; i >= 0; i--)
      if (events[i]!.actor === ev.actor) {
        prev = i;
        break;
      }
    lastOf[ev.actor] = prev;
  };

  /**
   * An actor held back here (it awaits a value: a spinner the system keeps from a look
   * that would fail) races with the writes that hold it back, although it has no event
   * yet: scan for them as for the step it would take, so that the order in which it
   * looked first is explored too. Nidhugg treats a blocked await the same way. Without
   * this, a lock acquire that never fails (the look-ahead cuts failed looks) would be
   * seen to race only with the release that let it in, never with the acquire before.
   */
  const awaitRaces = (f: Frame): void => {
    const idx = events.length;
    for (let q = 0; q < n; q++) {
      const pa = f.pending[q];
      if (f.enabled[q] || pa === null || pa === undefined || pa.some((x) => x.kind === 'wait')) continue;
      const { ev, racing } = nextEvent(q, pa);
      for (const j of racing) addBacktrack(j, ev, idx);
    }
  };

  /** Start exploring from the state after the current events: choose its first actor, or end the execution. */
  const enter = (sleep: Map<number, Accesses>, last: number): void => {
    const f = makeFrame(sleep);
    frames.push(f);
    if (opts.awaitRaces !== false) awaitRaces(f);
    if (events.length >= maxSteps) {
      endExecution('step-cap');
      return;
    }
    let anyEnabled = false;
    let allDone = true;
    for (let a = 0; a < n; a++) {
      if (f.enabled[a]) anyEnabled = true;
      if (f.pending[a] !== null) allDone = false;
    }
    if (!anyEnabled) {
      endExecution(allDone ? 'complete' : 'blocked');
      return;
    }
    // keep running the last actor when it can (fewer context switches in reports)
    let first = -1;
    if (last >= 0 && f.enabled[last] && !sleep.has(last)) first = last;
    else for (let a = 0; a < n && first < 0; a++) if (f.enabled[a] && !sleep.has(a)) first = a;
    if (first < 0) {
      endExecution('sleep-blocked');
      return;
    }
    f.backtrack.add(first);
  };

  system.reset();
  sysDepth = 0;
  enter(new Map(), -1);
  while (frames.length > 0 && !stopped && !executionsCut) {
    const d = frames.length - 1;
    const f = frames[d]!;
    let p = -1;
    for (const q of f.backtrack) {
      if (f.done.has(q)) continue;
      if (!f.enabled[q] || f.sleep.has(q)) {
        f.done.add(q);
        continue;
      }
      p = q;
      break;
    }
    if (p < 0) {
      frames.pop();
      if (d > 0) {
        const parent = frames[d - 1]!;
        const ev = events[d - 1]!;
        parent.sleep.set(ev.actor, parent.pending[ev.actor]!);
        popEvent(); // the system stays where it is: goTo rolls it back when a step is next taken
      }
      continue;
    }
    f.done.add(p);
    goTo(d);
    const acc = system.step(p);
    steps++;
    sysDepth = d + 1;
    const ev = addEvent(p, acc);
    const sleep = new Map<number, Accesses>();
    for (const [q, qa] of f.sleep) if (q !== p && !dep(qa, ev.accesses)) sleep.set(q, qa);
    enter(sleep, p);
  }
  const exhaustive = !stopped && !executionsCut && counts.stepCapped === 0;
  const cutBy = stopped
    ? 'stopped at the first finding'
    : executionsCut
      ? `execution budget ${maxExecutions}`
      : counts.stepCapped > 0
        ? `step cap ${maxSteps} (${counts.stepCapped} execution(s) cut)`
        : null;
  return { ...counts, exhaustive, cutBy, elapsedMs: performance.now() - t0, steps };
}
