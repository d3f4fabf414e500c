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
import type { Race } from './races.ts';
import type { WordNamer } from './words.ts';
import { ACC, CtlLayout, END, EVK, H, HOLDER, LK_NAMES, NOT_ACQUIRING, RNG_WORD, STATUS, WAIT, WATCHDOG_WAIT_MS, WATCH_CAP, appendText, LK, lockWord, packAccess, packDecision } from './ctl.ts';
import type { Decider } from './strategies/decider.ts';
import { DECIDERS } from './strategies/index.ts';

/** Thrown inside an actor whose execution is being torn down; the actor loop catches it. */
export class AbortExecution extends Error {
  override readonly name = 'AbortExecution';
}

const EVK_SPIN = LK.SPIN;
const EVK_SLEEP = LK.SLEEP;
const EVK_WOKEN = LK.WOKEN;

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
    /** the control buffer (lock-code.ts and races.ts keep their state in it too) */
    readonly c: Int32Array,
    private readonly m: Int32Array,
    private readonly L: Layout,
    readonly me: number,
    private readonly names: readonly string[],
    /** real-lock mode: lock code runs under the scheduler (lock-code.ts); false: the scheduler grants locks */
    readonly real = false,
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

  point(kind: number, arg: number, expected?: number): void {
    if (this.real && (kind === POINT.ACQUIRE || kind === POINT.RELEASE)) {
      // real lock code: the lock's own Atomics operations are the steps; this only says what the actor is doing
      if (this.aborting) throw new AbortExecution();
      this.trace(kind, arg);
      return;
    }
    if ((kind === POINT.LOAD || kind === POINT.STORE) && this.guards.guarded(this.m, arg, this.held)) {
      // not a point, but part of the running step: dpor sees it (strategies/dpor.ts)
      if (this.c[H.RECORD] !== 0) this.log(packAccess(arg, kind === POINT.LOAD ? ACC.READ : ACC.WRITE));
      return;
    }
    if (this.aborting) throw new AbortExecution();
    this.trace(kind, arg);
    this.decide(false);
    if (this.c[H.RECORD] !== 0) {
      // a compareExchange that will fail only reads (this actor runs alone: its outcome is known now)
      if (kind === POINT.CAS && expected !== undefined && Atomics.load(this.m, arg) !== (expected | 0)) this.log(packAccess(arg, ACC.READ));
      else this.log(pointAccess(kind, arg));
    }
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
    if (this.aborting) return;
    this.trace(EVK.ACQUIRED, lock | (write ? 1 << 16 : 0));
    if (this.real) this.holdReal(lock, write);
  }

  releasing(lock: number, write: boolean): void {
    if (this.aborting) return;
    this.trace(EVK.RELEASING, lock | (write ? 1 << 16 : 0));
    if (this.real) {
      const c = this.c;
      const at = this.k.holder(lock);
      // leaving the critical section is an access of the lock's pseudo-word, so that dpor
      // orders it against another actor's entering (the exclusion check reads the holders)
      if (c[H.RECORD] !== 0) this.log(packAccess(lockWord(lock), write ? ACC.RMW : ACC.READ));
      if (write) {
        if (c[at + HOLDER.WRITER] === this.me + 1) c[at + HOLDER.WRITER] = 0;
      } else c[at + HOLDER.READERS]! &= ~(1 << this.me);
    }
  }

  // ---- real lock code (lock-code.ts): the scheduler watches, the lock's code decides ----

  /** how reports name a word (words.ts: a user lock's words by their index in the module) */
  wordName: WordNamer = (w) => describeWord(this.L, w);

  /** This actor's lock code is about to acquire `id` (for the reports: who waits for what). */
  acquiring(id: number, write: boolean): void {
    this.c[H.BLOCKED + this.me] = id | (write ? 1 << 16 : 0);
  }

  /** The lock's code let this actor in: record it, and check exclusion against the other holders. */
  private holdReal(id: number, write: boolean): void {
    const c = this.c;
    const at = this.k.holder(id);
    c[H.BLOCKED + this.me] = NOT_ACQUIRING;
    // entering: an access of the lock's pseudo-word (a read for a reader: readers commute)
    if (c[H.RECORD] !== 0) this.log(packAccess(lockWord(id), write ? ACC.RMW : ACC.READ));
    const others: string[] = [];
    if (c[at + HOLDER.WRITER]! > 0 && c[at + HOLDER.WRITER] !== this.me + 1) others.push(`${this.names[c[at + HOLDER.WRITER]! - 1]} (write)`);
    if (write) for (let a = 0; a < this.k.nActors; a++) if (a !== this.me && (c[at + HOLDER.READERS]! & (1 << a)) !== 0) others.push(`${this.names[a]} (read)`);
    if (others.length > 0) {
      const what = write ? 'mutual exclusion' : 'reader-writer exclusion';
      this.violation({ kind: write ? 'mutual-exclusion' : 'rw-exclusion', message: `${what} broken: ${this.names[this.me]} acquired ${this.L.lockName(id)}${write ? '' : ' for read'} while ${others.join(', ')} held it`, op: '' });
    }
    if (write) c[at + HOLDER.WRITER] = this.me + 1;
    else c[at + HOLDER.READERS]! |= 1 << this.me;
  }

  /** Lock code's access of `word` races with another actor's (races.ts): stop the execution there. */
  dataRace(word: number, plain: boolean, write: boolean, r: Race): void {
    const what = (p: boolean, w: boolean) => `${p ? 'plain' : 'atomic'} ${w ? 'write' : 'read'}`;
    const message = `data race on ${this.wordName(word)}: ${this.names[this.me]}'s ${what(plain, write)} and ${this.names[r.other]}'s ${what(r.otherPlain, r.otherWrite)} are not ordered by happens-before (no Atomics operation orders them), so ECMA-262 gives the value read no sequentially consistent meaning`;
    this.abort(END.CRASH, JSON.stringify({ kind: 'data-race', message, actor: this.names[this.me] }), true);
  }

  /** A lock-code operation on a shared word: a scheduling point (its access is logged by lockEvent). */
  lockStep(): void {
    if (this.aborting) throw new AbortExecution();
    this.decide(false);
  }

  /** The operation of the step just decided: traced, and its access logged for dpor. */
  lockEvent(kind: number, word: number, acc: number): void {
    this.trace(kind, word);
    if (this.c[H.RECORD] !== 0) this.log(packAccess(word, acc));
  }

  /** An access inside the running step (a spin's re-read): logged, not traced. */
  logAccess(word: number, acc: number): void {
    if (this.aborting) throw new AbortExecution();
    if (this.c[H.RECORD] !== 0) this.log(packAccess(word, acc));
  }

  /** This actor spins on `words` (unchanged since it read them): block until another actor writes one. */
  spinBlock(words: number[], at: number): void {
    if (this.aborting) throw new AbortExecution();
    const c = this.c;
    const n = Math.min(words.length, WATCH_CAP);
    for (let i = 0; i < n; i++) c[this.k.watch + this.me * WATCH_CAP + i] = words[i]!;
    c[H.WATCHN + this.me] = n;
    c[H.WAITKIND + this.me] = WAIT.SPIN;
    c[this.status] = STATUS.BLOCKED;
    this.trace(EVK_SPIN, at);
    this.decide(true);
  }

  /**
   * Atomics.wait found its value: sleep until a notify of `word` wakes this actor.
   * A timed wait shorter than WATCHDOG_WAIT_MS (a sleep, a backoff) may also time out:
   * its wake-up is a step the actor can take at any time (it stays runnable: so DPOR's
   * enabled sets never depend on time), "timed-out" unless a notify came first. A longer
   * timeout is a watchdog's bound: that sleeper only a notify wakes. Returns true when
   * it timed out.
   */
  sleep(word: number, timeoutMs: number): boolean {
    const c = this.c;
    const timed = timeoutMs > 0 && timeoutMs < WATCHDOG_WAIT_MS;
    c[H.WAITWORD + this.me] = word;
    c[H.SLEEPAT + this.me] = ++c[H.SLEEPSEQ]!;
    c[H.WAITKIND + this.me] = WAIT.SLEEP;
    if (!timed) c[this.status] = STATUS.BLOCKED;
    this.trace(EVK_SLEEP, word);
    this.decide(!timed);
    const timedOut = c[H.WAITKIND + this.me] === WAIT.SLEEP;
    c[H.WAITKIND + this.me] = WAIT.LOCK;
    this.trace(timedOut ? LK.TIMED_OUT : EVK_WOKEN, word);
    if (c[H.RECORD] !== 0) this.log(packAccess(word, ACC.RMW));
    return timedOut;
  }

  /** Atomics.notify: wake up to `count` sleepers of `word`, first asleep first. */
  wake(word: number, count: number): number {
    const c = this.c;
    let woken = 0;
    while (woken < count) {
      let best = -1;
      for (let a = 0; a < this.k.nActors; a++)
        if (a !== this.me && c[H.STATUS + a] !== STATUS.FINISHED && c[H.WAITKIND + a] === WAIT.SLEEP && c[H.WAITWORD + a] === word && (best < 0 || c[H.SLEEPAT + a]! < c[H.SLEEPAT + best]!)) best = a;
      if (best < 0) break;
      c[H.STATUS + best] = STATUS.RUNNABLE;
      c[H.WAITKIND + best] = WAIT.LOCK;
      woken++;
    }
    return woken;
  }

  /** `word` was written: the spinners that read it can run again. */
  wrote(word: number): void {
    const c = this.c;
    for (let a = 0; a < this.k.nActors; a++) {
      if (a === this.me || c[H.STATUS + a] !== STATUS.BLOCKED || c[H.WAITKIND + a] !== WAIT.SPIN) continue;
      const base = this.k.watch + a * WATCH_CAP;
      for (let i = 0; i < c[H.WATCHN + a]!; i++)
        if (c[base + i] === word) {
          c[H.STATUS + a] = STATUS.RUNNABLE;
          c[H.WAITKIND + a] = WAIT.LOCK;
          break;
        }
    }
  }

  // ---- locks (ControlledLock) ----

  private grantable(id: number, write: boolean): boolean {
    const at = this.k.holder(id);
    return this.c[at + HOLDER.WRITER] === 0 && (!write || this.c[at + HOLDER.READERS] === 0);
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
    const at = this.k.holder(id);
    if (write) c[at + HOLDER.WRITER] = this.me + 1;
    else c[at + HOLDER.READERS]! |= 1 << this.me;
  }

  /** Lock `id` was released: drop the hold, unblock its waiters (they re-check when they run). */
  drop(id: number, write: boolean): void {
    if (this.aborting) return;
    const c = this.c;
    const at = this.k.holder(id);
    if (write) c[at + HOLDER.WRITER] = 0;
    else c[at + HOLDER.READERS]! &= ~(1 << this.me);
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
    if (this.real) return this.stuck(raise);
    const c = this.c;
    const lines: string[] = [];
    const holders = (id: number): string => {
      const at = this.k.holder(id);
      const out: string[] = [];
      const who = (a: number) => `${this.names[a]}${c[H.STATUS + a] === STATUS.FINISHED ? ' (finished)' : ''}`;
      if (c[at + HOLDER.WRITER]! > 0) out.push(`${who(c[at + HOLDER.WRITER]! - 1)} (write)`);
      for (let a = 0; a < this.k.nActors; a++) if ((c[at + HOLDER.READERS]! & (1 << a)) !== 0) out.push(`${who(a)} (read)`);
      return out.join(', ') || 'nobody';
    };
    for (let a = 0; a < this.k.nActors; a++) {
      if (c[H.STATUS + a] !== STATUS.BLOCKED) continue;
      const b = c[H.BLOCKED + a]!;
      const id = b & 0xffff;
      lines.push(`${this.names[a]} waits for ${this.L.lockName(id)} (${b >>> 16 ? 'write' : 'read'}) held by ${holders(id)}`);
    }
    const holds: string[] = [];
    for (let id = 0; id < this.L.nLocks; id++) if (c[this.k.holder(id) + HOLDER.WRITER] !== 0 || c[this.k.holder(id) + HOLDER.READERS] !== 0) holds.push(`${this.L.lockName(id)}: ${holders(id)}`);
    this.abort(END.DEADLOCK, JSON.stringify({ kind: 'deadlock', message: lines.join('; '), holds }), raise);
  }

  /**
   * Real lock code: no actor can run, some spin or sleep. Name each, the lock it is
   * acquiring and who holds it. A sleeper whose lock is free is a lost wake-up; a
   * spinner whose lock is free waits for a write nobody is left to make (livelock);
   * otherwise it is a deadlock.
   */
  private stuck(raise: boolean): void {
    const c = this.c;
    const holders = (id: number): string[] => {
      const at = this.k.holder(id);
      const out: string[] = [];
      const who = (a: number) => `${this.names[a]}${c[H.STATUS + a] === STATUS.FINISHED ? ' (finished)' : ''}`;
      if (c[at + HOLDER.WRITER]! > 0) out.push(`${who(c[at + HOLDER.WRITER]! - 1)} (write)`);
      for (let a = 0; a < this.k.nActors; a++) if ((c[at + HOLDER.READERS]! & (1 << a)) !== 0) out.push(`${who(a)} (read)`);
      return out;
    };
    const lines: string[] = [];
    let kind = 'deadlock';
    for (let a = 0; a < this.k.nActors; a++) {
      if (c[H.STATUS + a] !== STATUS.BLOCKED) continue;
      const b = c[H.BLOCKED + a]!;
      const id = b & 0xffff;
      const acquiring = id !== NOT_ACQUIRING && id < this.L.nLocks;
      const held = acquiring ? holders(id) : [];
      const who = acquiring ? `${this.names[a]} waits for ${this.L.lockName(id)} (${b >>> 16 ? 'write' : 'read'}) ${held.length ? `held by ${held.join(', ')}` : 'which is free'}` : `${this.names[a]} (not acquiring a lock)`;
      if (c[H.WAITKIND + a] === WAIT.SLEEP) {
        const w = c[H.WAITWORD + a]!;
        lines.push(`${who}: it sleeps in Atomics.wait on ${this.wordName(w)} = ${Atomics.load(this.m, w)}`);
        if (acquiring && held.length === 0) kind = 'lost-wakeup';
      } else {
        const ws: string[] = [];
        for (let i = 0; i < c[H.WATCHN + a]!; i++) {
          const w = c[this.k.watch + a * WATCH_CAP + i]!;
          ws.push(`${this.wordName(w)} = ${Atomics.load(this.m, w)}`);
        }
        lines.push(`${who}: it spins on ${ws.join(', ')}`);
        if (acquiring && held.length === 0 && kind === 'deadlock') kind = 'livelock';
      }
    }
    const holds: string[] = [];
    for (let id = 0; id < this.L.nLocks; id++) {
      const h = holders(id);
      if (h.length) holds.push(`${this.L.lockName(id)}: ${h.join(', ')}`);
    }
    const head = kind === 'lost-wakeup' ? 'nobody is left to notify a sleeper whose lock is free: ' : kind === 'livelock' ? 'nobody is left to write what a spinner waits for: ' : '';
    this.abort(END.DEADLOCK, JSON.stringify({ kind, message: `${head}${lines.join('; ')}`, holds }), raise);
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
      return packAccess(arg, ACC.RMW); // cas (point() logs a failing one as a read), add
  }
}

/** One event of the trace, readable. */
export function describeEvent(L: Layout, kind: number, arg: number, name: WordNamer = (w) => describeWord(L, w)): string {
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
      if (LK_NAMES[kind] !== undefined) return `${LK_NAMES[kind]} ${name(arg)}`;
      return kind <= POINT.WINDOW ? `${POINT_NAMES[kind]} ${describeWord(L, arg)}` : `event ${kind}`;
  }
}
