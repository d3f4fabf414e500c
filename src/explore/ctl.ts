/**
 * The explore control buffer: a second SharedArrayBuffer (the lab buffer stays the
 * model's) holding the controlled scheduler's state for one execution. Exactly one
 * actor runs at a time and every hand-over is an Atomics.store + notify of the next
 * actor's turn word, so plain accesses to everything here are ordered by those
 * hand-overs; only the words marked [atomic] are touched concurrently. That is the
 * guard of every unmarked word here, the real-lock-mode ones included (WAITKIND,
 * WAITWORD, SLEEPAT, WATCHN, SLEEPSEQ, and the watch, clocks and raceTable regions):
 * only the actor holding the turn reads or writes them, its own or another actor's
 * (a waker sets the sleeper's status), and the main thread only between executions.
 *
 * The runtime's run-control block, explore's header words, then regions: per-actor op
 * results (the runtime's RESULT records), lock holders (HOLDER records), the strategy's own
 * area (prefix of choices, RNG state, PCT priorities and change points: prepared by the
 * main thread in newExecution), the decision log, the event trace and a text area
 * (violation and deadlock messages, JSON lines).
 */
import { CTL, RESULT } from '../workers/control.ts';

export const MAX_ACTORS = 8;
export const MAX_OPS = 32;

/** Where the explore words begin: after the runtime's run-control block. */
const B = CTL.SIZE;

export const H = {
  // the runtime's run-control block (src/workers/control.ts)
  QUIT: CTL.QUIT, //  [atomic] workers leave their loop
  ABORT: CTL.ABORT, // [atomic] the execution is being torn down (deadlock, crash, step limit)
  READY: CTL.READY, // [atomic] workers that entered their loop
  VIOLATIONS: CTL.FINDINGS, // model violations reported in this execution (zeroed with the words from STEP on)
  // explore's own
  DONE: B, //        [atomic] the main thread waits here: 1 when every actor left the execution
  RUNNING: B + 1, // [atomic] actors still inside the execution
  // from here to SIZE: zeroed before every execution (session.ts)
  STEP: B + 2, //    decisions made so far
  CURRENT: B + 3, // actor holding the turn
  PREEMPTIONS: B + 4, // switches away from a runnable actor
  NACTORS: B + 5,
  DECIDER: B + 6, // which strategy decides (strategies/index.ts)
  EXEC: B + 7, //    executions started
  TRACE_LEN: B + 8,
  END: B + 9, //     how the execution ended (END)
  TEXT_LEN: B + 10,
  NONDET: B + 11, // 1 + the step at which a recorded choice was not runnable (0 = none)
  MAX_STEPS: B + 12,
  INJECT: B + 13, // test hook: the probes' uncontrolled choice is armed
  LOGLEN: B + 14, // entries in the access log (dpor)
  RECORD: B + 15, // 1 = log every step's accesses (the dpor strategy asks for it)
  OPRNG: B + 16, //  nextU64 state (the only source of randomness for workloads)
  LOGFULL: B + 17, // 1 + the step at which the access log overflowed (0 = it did not): that step on is wild
  SLEEPSEQ: B + 18, // sleeps so far (Atomics.wait under the scheduler): orders the sleepers, FIFO
  // per actor, MAX_ACTORS words each
  TURN: B + 32, //   [atomic] per actor: 1 = it may run
  WAITKIND: B + 32 + MAX_ACTORS, // per actor, while BLOCKED: WAIT.LOCK (granted mode), WAIT.SPIN or WAIT.SLEEP (real lock code)
  STATUS: B + 32 + 2 * MAX_ACTORS, // per actor: STATUS
  BLOCKED: B + 32 + 3 * MAX_ACTORS, // per actor: lock id | write << 16 it waits for (granted), or it is acquiring (real: 0xffff = none)
  WAITWORD: B + 32 + 4 * MAX_ACTORS, // per actor: the word it sleeps on (WAIT.SLEEP)
  SLEEPAT: B + 32 + 5 * MAX_ACTORS, // per actor: its place among the sleepers (H.SLEEPSEQ when it went to sleep)
  WATCHN: B + 32 + 6 * MAX_ACTORS, // per actor: how many words its spin watches (WAIT.SPIN; the words are in CtlLayout.watch)
  SIZE: B + 32 + 7 * MAX_ACTORS,
} as const;

/** Why a BLOCKED actor is blocked. */
export const WAIT = { LOCK: 0, SPIN: 1, SLEEP: 2 } as const;
/** A timed wait at least this long (ms) is a watchdog's bound, not a sleep: it never expires under the scheduler. */
export const WATCHDOG_WAIT_MS = 1000;
/** Words whose accesses by lock code are checked for data races (open addressing; a full table checks no more). */
export const RACE_SLOTS = 512;
/** word + 1, last write (actor + 1 | plain << 8), its clock, plain-read mask, read clocks [MAX_ACTORS], sync clock [MAX_ACTORS] */
export const RACE_SLOT_WORDS = 4 + 2 * MAX_ACTORS;
/** Words a spinning actor can watch (its reads since its last write). */
export const WATCH_CAP = 8;
/** H.BLOCKED in real-lock mode: the actor is acquiring no lock. */
export const NOT_ACQUIRING = 0xffff;

export const STATUS = { RUNNABLE: 0, BLOCKED: 1, FINISHED: 2 } as const;

/** A lock's holders under the scheduler (granted mode), one record per lock: its writer (actor + 1, 0 = none), its readers (a bit per actor). Plain words, touched only by the actor holding the turn (and zeroed by the main thread between executions). */
export const HOLDER = { WRITER: 0, READERS: 1, SIZE: 2 } as const;
/** CUT: the strategy ended the execution early (dpor: sleep-set blocked, or a shard's probe reached its depth); not a finding */
export const END = { NORMAL: 0, DEADLOCK: 1, CRASH: 2, STEP_LIMIT: 3, CUT: 4 } as const;

/** Trace event kinds beyond the seam's POINT kinds (0-8). */
export const EVK = {
  OP_START: 16, // arg = op index
  OP_END: 17, //   arg = op index
  ACQUIRED: 18, // arg = lock | write << 16
  RELEASING: 19,
  BLOCK: 20, //    arg = lock | write << 16
  FINISH: 21,
} as const;

/**
 * Trace kinds of the operations lock code makes under the scheduler (real-lock mode),
 * arg = the word. CAS_FAIL: a compareExchange that found another value (a read).
 * SPIN: the actor spun (re-read unchanged words) and now waits for a write to one of
 * them; WOKEN: a sleeper woken by a notify; SLEEP: it went to sleep in Atomics.wait.
 */
export const LK = {
  LOAD: 32,
  STORE: 33,
  ADD: 34,
  SUB: 35,
  AND: 36,
  OR: 37,
  XOR: 38,
  XCHG: 39,
  CAS: 40,
  CAS_FAIL: 41,
  WAIT: 42,
  NOTIFY: 43,
  READ: 44,
  WRITE: 45,
  SPIN: 46,
  SLEEP: 47,
  WOKEN: 48,
  TIMED_OUT: 49,
} as const;
export const LK_NAMES: Record<number, string> = {
  32: 'load',
  33: 'store',
  34: 'add',
  35: 'sub',
  36: 'and',
  37: 'or',
  38: 'xor',
  39: 'exchange',
  40: 'cas',
  41: 'cas (failed)',
  42: 'wait',
  43: 'notify',
  44: 'read',
  45: 'write',
  46: 'spins on',
  47: 'sleeps on',
  48: 'woken on',
  49: 'timed out on',
};

export class CtlLayout {
  readonly results: number;
  readonly locks: number;
  /** real-lock mode, data races (races.ts): per-actor vector clocks, then the table of tracked words */
  readonly clocks: number;
  readonly raceTable: number;
  readonly strategy: number;
  readonly decisions: number;
  readonly trace: number;
  readonly text: number;
  /** dpor: per step, the index of its first entry in the access log */
  readonly stepStart: number;
  /** dpor: the accesses of every step, in order (ACC encoding) */
  readonly accessLog: number;
  readonly accessCap: number;
  /** real-lock mode: per actor, WATCH_CAP words its spin waits on */
  readonly watch: number;
  readonly words: number;
  readonly traceCap: number;
  /** words of the strategy area: room for a choice at every step */
  readonly strategyWords: number;

  constructor(
    readonly nActors: number,
    readonly nLocks: number,
    readonly maxSteps: number,
    readonly textCap = 1 << 15,
  ) {
    this.traceCap = maxSteps * 4 + 1024;
    let at = H.SIZE;
    this.results = at;
    at += MAX_ACTORS * MAX_OPS * RESULT.SIZE;
    this.locks = at;
    at += nLocks * HOLDER.SIZE;
    // reset with the results and lock holders at every execution (session.ts)
    this.clocks = at;
    at += MAX_ACTORS * MAX_ACTORS;
    this.raceTable = at;
    at += RACE_SLOTS * RACE_SLOT_WORDS;
    this.strategy = at;
    this.strategyWords = 2 * maxSteps + 64;
    at += this.strategyWords;
    this.decisions = at;
    at += maxSteps + 1;
    this.trace = at;
    at += this.traceCap * 2;
    this.text = at;
    at += textCap;
    this.stepStart = at;
    at += maxSteps + 2;
    this.accessLog = at;
    this.accessCap = maxSteps * 8 + 4096;
    at += this.accessCap;
    this.watch = at;
    at += MAX_ACTORS * WATCH_CAP;
    this.words = at;
  }

  result(actor: number, op: number): number {
    return this.results + (actor * MAX_OPS + op) * RESULT.SIZE;
  }

  /** Word index of lock `id`'s HOLDER record. */
  holder(id: number): number {
    return this.locks + id * HOLDER.SIZE;
  }

  create(): Int32Array {
    const c = new Int32Array(new SharedArrayBuffer(this.words * 4));
    c[H.NACTORS] = this.nActors;
    c[H.MAX_STEPS] = this.maxSteps;
    return c;
  }

  static of(c: Int32Array, nLocks: number): CtlLayout {
    return new CtlLayout(c[H.NACTORS]!, nLocks, c[H.MAX_STEPS]!);
  }
}

/**
 * An entry of the access log (dpor): (word << 2) | kind, kind ACC.READ/WRITE/RMW, or
 * ACC.WILD (a step whose accesses are not known: dependent with every other step).
 * Model words are their index in the lab buffer; a lock is the pseudo-word
 * lockWord(id) (negative), the workload's generator (nextU64) the pseudo-word RNG_WORD.
 */
export const ACC = { READ: 0, WRITE: 1, RMW: 2, WILD: 3 } as const;
export const RNG_WORD = -1;
export const lockWord = (id: number): number => -2 - id;
export const packAccess = (word: number, kind: number): number => (word << 2) | kind;
export const accWord = (e: number): number => e >> 2;
export const accKind = (e: number): number => e & 3;

/** A decision in the log: chosen actor, runnable mask, current actor + 1 (0 = none). */
export const packDecision = (chosen: number, mask: number, current: number): number => chosen | (mask << 4) | ((current + 1) << 12);
export const decChosen = (d: number): number => d & 15;
export const decMask = (d: number): number => (d >>> 4) & 0xff;
export const decCurrent = (d: number): number => ((d >>> 12) & 15) - 1;
/** Was this decision a preemption (the current actor could have gone on, another was chosen)? */
export const decPreempts = (d: number): boolean => {
  const cur = decCurrent(d);
  return cur >= 0 && (decMask(d) & (1 << cur)) !== 0 && decChosen(d) !== cur;
};

/** The non-preemptive choice: the current actor if it can go on, else the lowest runnable one. */
export function defaultChoice(mask: number, current: number): number {
  if (current >= 0 && (mask & (1 << current)) !== 0) return current;
  return 31 - Math.clz32(mask & -mask);
}

/** mulberry32 step on a state word: uniform in [0, 2^32). */
export function u32At(c: Int32Array, at: number): number {
  let t = (c[at] = (c[at]! + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

export function popcount(x: number): number {
  let n = 0;
  for (; x !== 0; x &= x - 1) n++;
  return n;
}

/** The k-th (0-based) set bit of mask. */
export function nthBit(mask: number, k: number): number {
  for (let i = 0; i < 32; i++) if ((mask & (1 << i)) !== 0 && k-- === 0) return i;
  return -1;
}

/** Text area: JSON lines written by workers (violations, deadlock reports), read by the main thread. */
export function appendText(c: Int32Array, k: CtlLayout, s: string): void {
  let len = c[H.TEXT_LEN]!;
  const line = s + '\n';
  if (len + line.length > k.textCap) return;
  for (let i = 0; i < line.length; i++) c[k.text + len++] = line.charCodeAt(i);
  c[H.TEXT_LEN] = len;
}

export function readText(c: Int32Array, k: CtlLayout): string[] {
  const len = c[H.TEXT_LEN]!;
  let s = '';
  for (let i = 0; i < len; i += 4096) s += String.fromCharCode(...c.subarray(k.text + i, k.text + Math.min(len, i + 4096)));
  return s.split('\n').filter((x) => x.length > 0);
}
