/**
 * The controlled scheduler inside one actor's worker: a seam Hook that parks the
 * worker at every scheduling point until it holds the turn (CHESS-style serialisation
 * of real threads).
 *
 * At a point the running actor itself asks the strategy's decider who goes next (over
 * the control buffer): staying costs a few plain accesses; switching stores the chosen
 * actor's turn word, notifies it and waits on its own. Scheduling points: lock acquire
 * and release, atomic accesses, named race windows, and plain accesses made while not
 * holding the lock that guards the word (src/shared/guards.ts).
 *
 * Blocking: a lock is granted by the scheduler (ControlledLock asks `want`), which
 * knows the holders; a worker that wants a held lock is marked blocked on it and gives
 * the turn away, never spins. No runnable actor left while some are blocked is a
 * deadlock: reported naming who holds what and who waits. There is no clock here.
 */
import { POINT, POINT_NAMES, type Hook } from '../shared/seam.ts';
import type { Layout } from '../shared/layout.ts';
import { GuardMap, describeWord } from '../shared/guards.ts';
import { ACC, CtlLayout, END, EVK, H, RNG_WORD, STATUS, appendText, lockWord, packAccess, packDecision } from './ctl.ts';
import type { Decider } from './strategies/decider.ts';
import { DECIDERS } from './strategies/index.ts';

/** Thrown inside an actor whose execution is being torn down; the actor loop catches it. */
export class AbortExecution extends Error {
  override readonly name = 'AbortExecution';
}

/** Spins on the turn word before sleeping in Atomics.wait (a hand-over is often quick). */
const SPIN = 64;

export class Controller implements Hook {
  readonly k: CtlLayout;
  private readonly guards: GuardMap;
  /** locks this actor holds, by id: the seam's counts (bindHeld), the one held-lock record */
  private held: Uint8Array;
  private decider: Decider;
  private readonly turn: number;
  private readonly status: number;

  constructor(
    private readonly c: Int32Array,
    private readonly m: Int32Array,
    private readonly L: Layout,
    readonly me: number,
    private readonly names: readonly string[],
  ) {
    this.k = CtlLayout.of(c, L.nLocks);
    this.guards = new GuardMap(L);
    this.held = new Uint8Array(L.nLocks); // until bindHeld
    this.decider = DECIDERS[0]!;
    this.turn = H.TURN + me;
    this.status = H.STATUS + me;
  }

  /** Read this worker's held locks from its seam (the model's held-lock stack, as counts). */
  bindHeld(counts: Uint8Array): void {
    this.held = counts;
  }

  // ---- the execution's life cycle (actor loop) ----

  /** Idle until the turn comes (start of an execution) or QUIT. Returns false on QUIT. */
  idle(): boolean {
    this.waitTurn();
    if (Atomics.load(this.c, H.QUIT) !== 0) return false;
    this.decider = DECIDERS[this.c[H.DECIDER]!]!;
    return true;
  }

  get aborting(): boolean {
    return this.c[H.ABORT] !== 0;
  }

  /** This actor is done with the execution (normally or torn down): pass the turn on. */
  finish(): void {
    const c = this.c;
    c[this.status] = STATUS.FINISHED;
    if (!this.aborting) this.trace(EVK.FINISH, 0);
    const left = Atomics.sub(c, H.RUNNING, 1) - 1;
    if (left === 0) {
      Atomics.store(c, H.DONE, 1);
      Atomics.notify(c, H.DONE);
      return;
    }
    if (this.aborting) return;
    const mask = this.runnable();
    if (mask === 0) {
      this.deadlock(false);
      return;
    }
    const choice = this.choose(mask, true);
    if (choice < 0) this.abort(END.CUT, '', false);
    else this.give(choice);
  }

  /** A worker threw something that is not a finding: tear the execution down. */
  crash(e: unknown): void {
    const err = e instanceof Error ? e : new Error(String(e));
    this.abort(END.CRASH, JSON.stringify({ kind: 'crash', message: `${this.names[this.me]}: ${err.message}`, stack: err.stack ?? '' }), false);
  }

  // ---- Hook ----

  point(kind: number, arg: number): void {
    if ((kind === POINT.LOAD || kind === POINT.STORE) && this.guards.guarded(this.m, arg, this.held)) {
      // not a point, but part of the running step: dpor sees it (strategies/dpor.ts)
      if (this.c[H.RECORD] !== 0) this.log(packAccess(arg, kind === POINT.LOAD ? ACC.READ : ACC.WRITE));
      return;
    }
    if (this.aborting) throw new AbortExecution();
    this.trace(kind, arg);
    this.decide(false);
    if (this.c[H.RECORD] !== 0) this.log(pointAccess(kind, arg));
  }

  /** The workload drew from the schedule's generator (an access to the pseudo-word RNG_WORD). */
  drewRandom(): void {
    if (this.c[H.RECORD] !== 0) this.log(packAccess(RNG_WORD, ACC.RMW));
  }

  /**
   * Append an access of the running step to the access log (dpor). Exactly one actor
   * runs, so the step is the last decision's. A repeat of one of the step's last few
   * entries is dropped; on overflow the step, and every later one, counts as wild.
   */
  private log(e: number): void {
    const c = this.c;
    const k = this.k;
    const n = c[H.LOGLEN]!;
    const from = Math.max(c[k.stepStart + c[H.STEP]! - 1]!, n - 8);
    for (let i = n - 1; i >= from; i--) if (c[k.accessLog + i] === e) return;
    if (n >= k.accessCap) {
      if (c[H.LOGFULL] === 0) c[H.LOGFULL] = c[H.STEP]!; // 1 + the running step
      return;
    }
    c[k.accessLog + n] = e;
    c[H.LOGLEN] = n + 1;
  }

  acquired(lock: number, write: boolean): void {
    if (!this.aborting) this.trace(EVK.ACQUIRED, lock | (write ? 1 << 16 : 0));
  }

  releasing(lock: number, write: boolean): void {
    if (!this.aborting) this.trace(EVK.RELEASING, lock | (write ? 1 << 16 : 0));
  }

  // ---- locks (ControlledLock) ----

  private grantable(id: number, write: boolean): boolean {
    const at = this.k.locks + id * 2;
    return this.c[at] === 0 && (!write || this.c[at + 1] === 0);
  }

  /** Block (giving the turn away) until lock `id` can be granted, then take it. */
  want(id: number, write: boolean): void {
    const c = this.c;
    while (!this.grantable(id, write)) {
      if (this.aborting) throw new AbortExecution();
      c[this.status] = STATUS.BLOCKED;
      c[H.BLOCKED + this.me] = id | (write ? 1 << 16 : 0);
      this.trace(EVK.BLOCK, id | (write ? 1 << 16 : 0));
      this.decide(true);
      // a new step: the acquire attempt again
      if (c[H.RECORD] !== 0) this.log(packAccess(lockWord(id), ACC.RMW));
    }
    const at = this.k.locks + id * 2;
    if (write) c[at] = this.me + 1;
    else c[at + 1]! |= 1 << this.me;
  }

  /** Lock `id` was released: drop the hold, unblock its waiters (they re-check when they run). */
  drop(id: number, write: boolean): void {
    if (this.aborting) return;
    const c = this.c;
    const at = this.k.locks + id * 2;
    if (write) c[at] = 0;
    else c[at + 1]! &= ~(1 << this.me);
    for (let a = 0; a < this.k.nActors; a++)
      if (c[H.STATUS + a] === STATUS.BLOCKED && (c[H.BLOCKED + a]! & 0xffff) === id) c[H.STATUS + a] = STATUS.RUNNABLE;
  }

  // ---- decisions and hand-over ----

  private runnable(): number {
    const c = this.c;
    let mask = 0;
    for (let a = 0; a < this.k.nActors; a++) if (c[H.STATUS + a] === STATUS.RUNNABLE) mask |= 1 << a;
    return mask;
  }

  /** Ask the decider, log the decision. */
  private choose(mask: number, yielding: boolean): number {
    const c = this.c;
    const step = c[H.STEP]!;
    c[this.k.stepStart + step] = c[H.LOGLEN]!;
    const choice = this.decider.nextTask(c, this.k, mask, this.me, yielding, step);
    if (choice < 0) return choice; // the strategy cut the execution here (not a step)
    c[this.k.decisions + step] = packDecision(choice, mask, this.me);
    c[H.STEP] = step + 1;
    return choice;
  }

  private decide(yielding: boolean): void {
    const c = this.c;
    if (c[H.STEP]! >= this.k.maxSteps) this.abort(END.STEP_LIMIT, JSON.stringify({ kind: 'livelock', message: `the execution did not end within ${this.k.maxSteps} scheduling steps` }), true);
    const mask = this.runnable();
    if (mask === 0) this.deadlock(true);
    const choice = this.choose(mask, yielding);
    if (choice < 0) this.abort(END.CUT, '', true);
    if (choice === this.me) return;
    if ((mask & (1 << this.me)) !== 0) c[H.PREEMPTIONS]!++;
    this.give(choice);
    this.waitTurn();
    if (this.aborting) throw new AbortExecution();
  }

  private give(a: number): void {
    this.c[H.CURRENT] = a;
    Atomics.store(this.c, H.TURN + a, 1);
    Atomics.notify(this.c, H.TURN + a, 1);
  }

  private waitTurn(): void {
    const c = this.c;
    const t = this.turn;
    for (let i = 0; i < SPIN && Atomics.load(c, t) === 0; i++);
    while (Atomics.compareExchange(c, t, 1, 0) !== 1) Atomics.wait(c, t, 0);
  }

  private deadlock(raise: boolean): void {
    const c = this.c;
    const lines: string[] = [];
    const holders = (id: number): string => {
      const at = this.k.locks + id * 2;
      const out: string[] = [];
      const who = (a: number) => `${this.names[a]}${c[H.STATUS + a] === STATUS.FINISHED ? ' (finished)' : ''}`;
      if (c[at]! > 0) out.push(`${who(c[at]! - 1)} (write)`);
      for (let a = 0; a < this.k.nActors; a++) if ((c[at + 1]! & (1 << a)) !== 0) out.push(`${who(a)} (read)`);
      return out.join(', ') || 'nobody';
    };
    for (let a = 0; a < this.k.nActors; a++) {
      if (c[H.STATUS + a] !== STATUS.BLOCKED) continue;
      const b = c[H.BLOCKED + a]!;
      const id = b & 0xffff;
      lines.push(`${this.names[a]} waits for ${this.L.lockName(id)} (${b >>> 16 ? 'write' : 'read'}) held by ${holders(id)}`);
    }
    const holds: string[] = [];
    for (let id = 0; id < this.L.nLocks; id++) if (c[this.k.locks + id * 2] !== 0 || c[this.k.locks + id * 2 + 1] !== 0) holds.push(`${this.L.lockName(id)}: ${holders(id)}`);
    this.abort(END.DEADLOCK, JSON.stringify({ kind: 'deadlock', message: lines.join('; '), holds }), raise);
  }

  /** Tear the execution down: every actor still in it wakes and unwinds. */
  private abort(end: number, text: string, raise: boolean): void {
    const c = this.c;
    if (c[H.ABORT] === 0) {
      c[H.END] = end;
      if (text !== '') appendText(c, this.k, text);
      Atomics.store(c, H.ABORT, 1);
      for (let a = 0; a < this.k.nActors; a++) if (a !== this.me && c[H.STATUS + a] !== STATUS.FINISHED) this.give(a);
    }
    if (raise) throw new AbortExecution();
  }

  // ---- trace ----

  trace(kind: number, arg: number): void {
    const c = this.c;
    const n = c[H.TRACE_LEN]!;
    if (n >= this.k.traceCap) return;
    c[this.k.trace + 2 * n] = this.me | (kind << 4);
    c[this.k.trace + 2 * n + 1] = arg;
    c[H.TRACE_LEN] = n + 1;
  }

  /** A violation the model reported (JSON line in the text area). */
  violation(v: object): void {
    this.c[H.VIOLATIONS]!++;
    appendText(this.c, this.k, JSON.stringify({ ...v, actor: this.names[this.me] }));
  }
}

/** The access a scheduling point's operation makes (the ACC encoding): a window's is unknown (wild). */
function pointAccess(kind: number, arg: number): number {
  switch (kind) {
    case POINT.LOAD:
    case POINT.ALOAD:
      return packAccess(arg, ACC.READ);
    case POINT.STORE:
    case POINT.ASTORE:
      return packAccess(arg, ACC.WRITE);
    case POINT.ACQUIRE:
    case POINT.RELEASE:
      return packAccess(lockWord(arg), ACC.RMW);
    case POINT.WINDOW:
      return packAccess(0, ACC.WILD);
    default:
      return packAccess(arg, ACC.RMW); // cas (a failed one only reads: counted as rmw, an over-approximation), add
  }
}

/** One event of the trace, readable. */
export function describeEvent(L: Layout, kind: number, arg: number): string {
  const lock = (x: number) => `${L.lockName(x & 0xffff)}${x >>> 16 ? '' : ' (read)'}`;
  switch (kind) {
    case EVK.ACQUIRED:
      return `+${lock(arg)}`;
    case EVK.RELEASING:
      return `-${lock(arg)}`;
    case EVK.BLOCK:
      return `waits ${lock(arg)}`;
    case POINT.ACQUIRE:
    case POINT.RELEASE:
      return `${POINT_NAMES[kind]} ${L.lockName(arg)}`;
    case POINT.WINDOW:
      return `window ${arg}`;
    default:
      return kind <= POINT.WINDOW ? `${POINT_NAMES[kind]} ${describeWord(L, arg)}` : `event ${kind}`;
  }
}
