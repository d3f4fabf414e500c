/**
 * Lock code under a controlled scheduler, in this process, on one thread: a
 * DporSystem (src/explore/dpor) whose actors each take and release one lock K times,
 * every `Atomics` operation and every plain index access of the shared words a step.
 *
 * How an actor runs. Each actor is a deterministic function (construct its own lock
 * instance, then acquire / critical section / release, K times). To advance it by one
 * step it is run again from its start: the operations it already made return their
 * recorded results without touching memory, the next one is performed for real and
 * recorded, and the run is unwound (a private sentinel is thrown) at the operation
 * after it, which is then the actor's known pending operation. While an actor runs,
 * `globalThis.Atomics` is an instrumented object, the lock sees the shared Int32Array
 * through a Proxy (plain reads and writes are seen), and the clock (performance.now,
 * Date.now) and Math.random are deterministic: a step counter and a seeded generator.
 * Everything is restored in `finally`.
 *
 * Spin loops are finite. An actor about to re-read a word whose value has not
 * changed, having read only words that still hold what it saw and written nothing
 * since its last write, is spinning: its pending read is disabled until another actor
 * changes a word it read (GenMC's spin-assume, Nidhugg's await). So that spin loops
 * that give up by themselves (a spin budget, then Atomics.wait) are still explored, the
 * spinner is run ahead once, re-reading those unchanged words, for up to `spinProbe`
 * operations: if it then does something else, "spin until it gives up" is one step
 * (a read of those words) it may take at any time; if not, it spins for ever.
 *
 * Looks that would only fail are not taken (await). Before an actor's pending atomic
 * read (a load, a compareExchange that would fail) it is run ahead on the current
 * memory: if it would only read, write nothing, and end spinning for ever, the read is
 * held back until a word that look-ahead read changes (awaiting()). A lock's acquire
 * then never fails a look while the lock is held, which cuts tas 3x2 from over 600,000
 * traces to 90. DPOR (dpor.ts `awaitRaces`) scans a held-back actor's pending read for
 * races, so the orders in which it looked first are still explored; the prover is
 * checked against every interleaving (differential.ts).
 *
 * Atomics.wait and notify as ECMA-262 says: the compare and the enqueue are one step,
 * there is no spurious wake-up, notify wakes up to `count` sleepers in FIFO order, and a
 * finite timeout may also expire (the wake-up step is then always enabled, its result
 * "timed-out" unless a notify came first).
 *
 * Checked at every step: mutual exclusion and reader-writer exclusion (a virtual
 * critical-section word, one step to enter and one to leave, so that DPOR orders them),
 * FIFO for fair kinds (`announce`: the acquire's first write to the lock's words), and
 * data races: a plain access racing (no happens-before through Atomics, by vector
 * clocks) with another actor's access of the word is a finding, and the execution stops
 * there (its values are not explored). At the end of a blocked execution the prover
 * (prove.ts) asks `blockedFinding()` what it means: a lost wake-up or a deadlock.
 */
import type { Access, Accesses } from '../dpor/access.ts';
import type { DporSystem } from '../dpor/dpor.ts';

export type PropertyName = 'mutual exclusion' | 'reader-writer exclusion' | 'deadlock freedom' | 'no lost wake-up' | 'FIFO' | 'no data race';

/** One worker's handle on the lock, as the actor uses it. */
export interface ProveHandle {
  acquire(): void;
  release(): void;
  readAcquire?(): void;
  readRelease?(): void;
}

/** The lock under proof, as the runner needs it (built by prove.ts from a kind or a module). */
export interface LockUnderTest {
  /** for reports: a kind name or `user:/abs/path` */
  name: string;
  /** size of the shared Int32Array */
  words: number;
  rw: boolean;
  fair: boolean;
  /** a new handle for `actor` on `m` (the Proxy) */
  construct(m: Int32Array, actor: number): ProveHandle;
  /** the lock's own words: an acquire's first write to one of them announces the waiter */
  isLockWord(word: number): boolean;
  /** words only `actor` ever touches (its statistics), or diagnostic words no acquire or release reads: their accesses are not scheduling points */
  isPrivate(word: number, actor: number): boolean;
  wordName(word: number): string;
}

export interface ProveConfig {
  threads: number;
  acquisitions: number;
  /** operations a spinner is run ahead to see whether its loop gives up by itself */
  spinProbe: number;
}

type OpName = 'load' | 'store' | 'add' | 'sub' | 'and' | 'or' | 'xor' | 'exchange' | 'cas' | 'wait' | 'notify' | 'read' | 'write' | 'enter' | 'leave';
type Stage = 'init' | 'acquire' | 'cs' | 'release';
type RunMode = 'discover' | 'execute' | 'wake' | 'probe' | 'look';

interface OpDesc {
  op: OpName;
  word: number;
  value: number;
  expected: number;
  /** wait: finite timeout; notify: count */
  timeout: number;
  count: number;
  stage: Stage;
  /** which acquisition (0..K-1) */
  k: number;
  read: boolean;
}

type Result = number | string;
interface HistEntry {
  op: OpName;
  word: number;
  result: Result;
}

interface Probe {
  /** results of the re-reads until the loop gave up */
  results: HistEntry[];
  /** the operation after the loop (null: the actor finished) */
  next: OpDesc | null;
  /** the loop did not give up within spinProbe operations */
  forever: boolean;
  words: number[];
}

/**
 * What the actor would do from its pending operation if it ran now, every read
 * seeing the current memory: only reads, ending in a spin that never gives up
 * (`forever`), or something else (a write, a wait, the critical section).
 */
interface Look {
  forever: boolean;
  /** the words the look-ahead read, with the values it saw: it holds while they do */
  reads: Map<number, number>;
}

interface ActorState {
  hist: HistEntry[];
  pending: OpDesc | null;
  finished: boolean;
  /** words read since the actor's last write, with the value last read */
  window: Map<number, number>;
  asleep: boolean;
  notified: boolean;
  notifyClock: Int32Array | null;
  /** the spin probe of the current (unchanged) spin, or undefined before it is computed */
  probe: Probe | null | undefined;
  /** the look-ahead from the pending operation, or undefined before it is computed */
  look: Look | undefined;
  clock: Int32Array;
  /** per acquisition: step of its announce, of its entry to the critical section */
  announced: number[];
  entered: number[];
  stage: Stage;
  k: number;
}

/** One row of the interleaving table. */
export interface StepRecord {
  actor: number;
  text: string;
}

export interface Finding {
  property: PropertyName;
  detail: string;
  /** index of the step where it was seen (-1: at the end of a blocked execution) */
  step: number;
}

const STOP = Symbol('prove: unwind the actor at its next operation');
const ASLEEP = Symbol('prove: the actor went to sleep in Atomics.wait');
const VIRTUAL_CS = -1;

/** The real Atomics, kept before anyone swaps them. */
const RealAtomics = Atomics;

function desc(op: OpName, word: number, stage: Stage, k: number, read: boolean, value = 0, expected = 0, timeout = Infinity, count = Infinity): OpDesc {
  return { op, word, value, expected, timeout, count, stage, k, read };
}

function isWaitResult(r: Result): r is string {
  return typeof r === 'string';
}

export class LockSystem implements DporSystem {
  readonly actors: number;
  private readonly real: Int32Array;
  private readonly proxy: Int32Array;
  private readonly instrumented: typeof Atomics;
  private st: ActorState[] = [];
  private queues = new Map<number, number[]>();
  private syncClock = new Map<number, Int32Array>();
  /** race metadata per word: last write (actor, epoch, atomic) and reads per actor */
  private lastWrite = new Map<number, { actor: number; epoch: number; atomic: boolean }>();
  private reads = new Map<number, { epoch: number; atomic: boolean }[]>();
  private writersIn = 0;
  private readersIn = 0;
  private inside: number[] = [];
  private halted = false;
  private steps = 0;
  /** probe results by actor and history, shared by all executions */
  private readonly probeCache = new Map<string, Probe>();
  /** look-ahead results by actor and history: each holds while the words it read hold its values */
  private readonly lookCache = new Map<string, Look[]>();
  /** the run in progress */
  private run: {
    actor: number;
    index: number;
    mode: RunMode;
    executed: boolean;
    stopped: boolean;
    probe: Probe | null;
    look: { reads: Map<number, number>; overlay: Map<number, number>; count: number; forever: boolean } | null;
    clock: number;
    rnd: number;
  } | null = null;
  findings: Finding[] = [];
  log: StepRecord[] = [];
  /** operations performed in all (for benchmarks): actor re-runs included */
  opsEvaluated = 0;

  constructor(
    readonly lock: LockUnderTest,
    readonly cfg: ProveConfig,
  ) {
    this.actors = cfg.threads;
    this.real = new Int32Array(new SharedArrayBuffer(lock.words * 4));
    this.proxy = this.makeProxy();
    this.instrumented = this.makeAtomics();
    this.reset();
  }

  /** Is actor `a` a reader in acquisition `k`? (rw kinds: a read/write mix) */
  isRead(a: number, k: number): boolean {
    return this.lock.rw && (a + k) % 2 === 1;
  }

  // ---- the DporSystem ------------------------------------------------------------------

  reset(): void {
    this.real.fill(0);
    const n = this.actors;
    this.st = Array.from({ length: n }, () => ({
      hist: [],
      pending: null,
      finished: false,
      window: new Map(),
      asleep: false,
      notified: false,
      notifyClock: null,
      probe: undefined,
      look: undefined,
      clock: new Int32Array(n),
      announced: [],
      entered: [],
      stage: 'init' as Stage,
      k: 0,
    }));
    this.queues = new Map();
    this.syncClock = new Map();
    this.lastWrite = new Map();
    this.reads = new Map();
    this.writersIn = 0;
    this.readersIn = 0;
    this.inside = [];
    this.halted = false;
    this.steps = 0;
    this.findings = [];
    this.log = [];
    for (let a = 0; a < n; a++) this.runActor(a, 'discover');
  }

  pending(a: number): Accesses | null {
    const s = this.st[a]!;
    if (s.finished || s.pending === null) return null;
    const d = s.pending;
    if (s.asleep) return [{ word: d.word, kind: 'wait' }];
    if (this.spinning(a)) {
      const p = this.probeOf(a);
      if (p && !p.forever) return p.words.map((word): Access => ({ word, kind: 'read' }));
    }
    return [this.accessOf(d)];
  }

  enabled(a: number): boolean {
    if (this.halted) return false;
    const s = this.st[a]!;
    if (s.finished || s.pending === null) return false;
    if (s.asleep) return s.notified || Number.isFinite(s.pending.timeout);
    if (this.spinning(a)) {
      const p = this.probeOf(a);
      return p !== null && !p.forever;
    }
    return this.awaiting(a) === null;
  }

  step(a: number): Accesses {
    const s = this.st[a]!;
    const d = s.pending!;
    this.steps++;
    if (s.asleep) {
      const acc: Accesses = [{ word: d.word, kind: 'wait' }];
      this.runActor(a, 'wake');
      return acc;
    }
    if (this.spinning(a)) {
      // spin until the loop gives up: one step, reads of unchanged words
      const p = this.probeOf(a)!;
      for (const e of p.results) s.hist.push(e);
      s.pending = p.next;
      s.finished = p.next === null;
      s.probe = undefined;
      const w = p.words[0]!;
      this.log.push({ actor: a, text: `spins: ${p.results.length} looks at ${p.words.map((x) => this.lock.wordName(x)).join(',')} (= ${this.real[w]}), gives up` });
      return p.words.map((word): Access => ({ word, kind: 'read' }));
    }
    const acc = this.accessOf(d);
    // a re-read after a word of the window changed: a new round of the loop starts here
    if (this.isReRead(s, d)) s.window.clear();
    this.runActor(a, 'execute');
    return [acc];
  }

  /** The whole state, for the explorer to come back to (histories are append-only: their lengths suffice). */
  checkpoint(): unknown {
    return this.snapshot();
  }

  private snapshot() {
    return {
      mem: this.real.slice(),
      st: this.st.map((x) => ({ ...x, histLen: x.hist.length, window: new Map(x.window), clock: x.clock.slice(), announced: x.announced.slice(), entered: x.entered.slice() })),
      queues: new Map(this.queues),
      syncClock: new Map(this.syncClock),
      lastWrite: new Map(this.lastWrite),
      reads: new Map(this.reads),
      writersIn: this.writersIn,
      readersIn: this.readersIn,
      inside: this.inside.slice(),
      halted: this.halted,
      steps: this.steps,
      findings: this.findings.slice(),
      logLen: this.log.length,
    };
  }

  rollback(token: unknown): void {
    const c = token as ReturnType<LockSystem['snapshot']>;
    this.real.set(c.mem);
    this.st = c.st.map((x, a) => {
      const hist = this.st[a]!.hist;
      hist.length = x.histLen;
      const { histLen: _h, ...rest } = x;
      void _h;
      return { ...rest, hist, window: new Map(x.window), clock: x.clock.slice(), announced: x.announced.slice(), entered: x.entered.slice() };
    });
    this.queues = new Map(c.queues);
    this.syncClock = new Map(c.syncClock);
    this.lastWrite = new Map(c.lastWrite);
    this.reads = new Map(c.reads);
    this.writersIn = c.writersIn;
    this.readersIn = c.readersIn;
    this.inside = c.inside.slice();
    this.halted = c.halted;
    this.steps = c.steps;
    this.findings = c.findings.slice();
    this.log.length = c.logLen;
  }

  // ---- what the prover reads -----------------------------------------------------------

  /** After a blocked end: a lost wake-up or a deadlock (null when halted on a finding). */
  blockedFinding(): Finding | null {
    if (this.halted) return null;
    const holders = this.inside.slice();
    const who = (a: number): string => {
      const s = this.st[a]!;
      const d = s.pending!;
      const where = `${d.stage === 'release' ? 'release' : d.read ? 'readAcquire' : 'acquire'}() #${d.k + 1}`;
      if (s.asleep) return `actor ${a} sleeps in Atomics.wait on ${this.lock.wordName(d.word)} (= ${this.real[d.word]}) in ${where}`;
      const look = this.awaiting(a);
      const words = [...(look ? look.reads.keys() : s.window.keys())].map((w) => `${this.lock.wordName(w)} = ${this.real[w]}`).join(', ');
      return `actor ${a} spins in ${where}, re-reading ${words}, which no other actor will change`;
    };
    const stuck = this.st.map((s, a) => (s.finished ? -1 : a)).filter((a) => a >= 0);
    const sleepers = stuck.filter((a) => this.st[a]!.asleep);
    const holding = this.heldBy();
    if (sleepers.length > 0 && holding.length === 0)
      return {
        property: 'no lost wake-up',
        detail: `${sleepers.map(who).join('; ')}; nobody is left to notify it, and the lock ${this.lock.name} is free`,
        step: -1,
      };
    const state = holding.length === 0 ? `the lock ${this.lock.name} is free` : `actor(s) ${holding.join(', ')} hold ${this.lock.name}${holders.length ? '' : ' (inside release)'}`;
    const livelock = sleepers.length === 0 && holding.length === 0;
    return { property: 'deadlock freedom', detail: `${livelock ? 'livelock: ' : 'deadlock: '}${stuck.map(who).join('; ')}; ${state}`, step: -1 };
  }

  /** Actors between the return of acquire and the return of release. */
  heldBy(): number[] {
    return this.st.map((s, a) => (!s.finished && (s.stage === 'cs' || s.stage === 'release') ? a : -1)).filter((a) => a >= 0);
  }

  get stepCount(): number {
    return this.steps;
  }

  // ---- running actors ------------------------------------------------------------------

  private accessOf(d: OpDesc): Access {
    switch (d.op) {
      case 'load':
      case 'read':
        return { word: d.word, kind: 'read' };
      case 'store':
      case 'write':
        return { word: d.word, kind: 'write' };
      case 'cas':
        return { word: d.word, kind: this.real[d.word] === d.expected ? 'rmw' : 'read' };
      case 'wait':
        return { word: d.word, kind: 'wait' };
      case 'notify':
        return { word: d.word, kind: 'notify' };
      case 'enter':
      case 'leave':
        return { word: VIRTUAL_CS, kind: 'rmw' };
      default:
        return { word: d.word, kind: 'rmw' };
    }
  }

  /** Would the pending op of `a` re-read unchanged words, with everything it read unchanged? */
  private spinning(a: number): boolean {
    const s = this.st[a]!;
    const d = s.pending;
    if (d === null || s.window.size === 0) return false;
    if (!this.isReRead(s, d)) return false;
    for (const [w, v] of s.window) if (this.real[w] !== v) return false;
    return true;
  }

  private isReRead(s: ActorState, d: OpDesc): boolean {
    // a wait with a timeout that would only time out (or see not-equal) changes nothing either
    const readKind =
      d.op === 'load' || d.op === 'read' || (d.op === 'cas' && this.real[d.word] !== d.expected) || (d.op === 'wait' && Number.isFinite(d.timeout));
    return readKind && s.window.has(d.word);
  }

  private probeOf(a: number): Probe | null {
    const s = this.st[a]!;
    if (s.probe !== undefined) return s.probe;
    const key = `${a}|${s.hist.map((h) => h.result).join(',')}`;
    let p = this.probeCache.get(key);
    if (p === undefined) {
      this.runActor(a, 'probe');
      p = this.run_probe!;
      this.probeCache.set(key, p);
    }
    s.probe = p;
    return p;
  }
  private run_probe: Probe | null = null;
  private run_look: { reads: Map<number, number>; forever: boolean } | null = null;

  /**
   * Await (GenMC's spin-assume, Nidhugg's await, done by looking ahead): a pending
   * atomic read (a load, a compareExchange that would fail) after which the actor
   * would only read, with no write, until it spins for ever, changes nothing that
   * anyone can see. Taking it would only add an execution that differs in a failed
   * look, so the actor waits instead: it is not enabled until a word that look-ahead
   * read changes. A loop that gives up by itself (a spin budget, then Atomics.wait),
   * or reaches a write, is not cut: the look-ahead then ends in progress.
   */
  private awaiting(a: number): Look | null {
    const s = this.st[a]!;
    const d = s.pending;
    if (d === null || s.asleep) return null;
    if (!(d.op === 'load' || (d.op === 'cas' && this.real[d.word] !== d.expected))) return null;
    let l = s.look;
    if (l === undefined || !this.holds(l)) {
      const key = `${a}|${s.hist.map((h) => h.result).join(',')}`;
      const cached = this.lookCache.get(key);
      l = cached?.find((x) => this.holds(x));
      if (l === undefined) {
        this.runActor(a, 'look');
        const r = this.run_look!;
        l = { forever: r.forever, reads: r.reads };
        if (cached) cached.push(l);
        else this.lookCache.set(key, [l]);
      }
      s.look = l;
    }
    return l.forever ? l : null;
  }

  private holds(l: Look): boolean {
    for (const [w, v] of l.reads) if (this.real[w] !== v) return false;
    return true;
  }

  private body(a: number): void {
    const s = this.st[a]!;
    const K = this.cfg.acquisitions;
    const set = (stage: Stage, k: number): void => {
      s.stage = stage;
      s.k = k;
    };
    set('init', 0);
    const lock = this.lock.construct(this.proxy, a);
    for (let k = 0; k < K; k++) {
      const read = this.isRead(a, k);
      set('acquire', k);
      if (read) lock.readAcquire!();
      else lock.acquire();
      set('cs', k);
      this.op(desc('enter', VIRTUAL_CS, 'cs', k, read));
      this.op(desc('leave', VIRTUAL_CS, 'cs', k, read));
      set('release', k);
      if (read) lock.readRelease!();
      else lock.release();
    }
    set('init', K);
  }

  private runActor(a: number, mode: RunMode): void {
    const s = this.st[a]!;
    const stage = s.stage;
    const k = s.k;
    this.run = { actor: a, index: 0, mode, executed: false, stopped: false, probe: null, look: null, clock: 0, rnd: 0x9e3779b9 ^ (a + 1) };
    if (mode === 'look') this.run.look = { reads: new Map(), overlay: new Map(), count: 0, forever: false };
    if (mode === 'probe') this.run.probe = { results: [], next: null, forever: false, words: [...s.window.keys()] };
    const g = globalThis as { Atomics: typeof Atomics };
    const perf = performance as { now: () => number };
    const savedDateNow = Date.now;
    const savedRandom = Math.random;
    const run = this.run;
    g.Atomics = this.instrumented;
    perf.now = () => run.clock;
    Date.now = () => run.clock;
    Math.random = () => {
      let x = run.rnd;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      run.rnd = x;
      return (x >>> 0) / 4294967296;
    };
    try {
      this.body(a);
      // returned: the actor has finished (unless its code swallowed the sentinel)
      if (run.stopped) {
        // nothing: the pending operation is known
      } else if (mode === 'probe') run.probe!.next = null;
      else if (mode === 'look') {
        // finished: progress
      } else {
        s.pending = null;
        s.finished = true;
      }
    } catch (e) {
      if (e !== STOP) throw e;
    } finally {
      g.Atomics = RealAtomics;
      delete (perf as { now?: unknown }).now;
      Date.now = savedDateNow;
      Math.random = savedRandom;
      this.run = null;
    }
    if (mode === 'probe' || mode === 'look') {
      this.run_probe = run.probe;
      this.run_look = run.look;
      s.stage = stage;
      s.k = k;
    }
  }

  /** Every operation of lock code comes here. */
  private op(d: OpDesc): Result {
    const run = this.run;
    if (run === null) throw new Error('internal: a lock operation outside a controlled run');
    // lock code may catch the unwinding sentinel (a catch that cleans up, then rethrows): no more operations
    if (run.stopped) return this.stop();
    const s = this.st[run.actor]!;
    const i = run.index++;
    run.clock++;
    this.opsEvaluated++;
    if (d.op !== 'enter' && d.op !== 'leave') {
      d.stage = s.stage;
      d.k = s.k;
      d.read = this.isRead(run.actor, s.k);
    }
    if (i < s.hist.length) {
      const h = s.hist[i]!;
      if (h.op !== d.op || h.word !== d.word)
        throw new ProveError(
          `the lock code of ${this.lock.name} is not deterministic: actor ${run.actor}'s operation ${i + 1} was ${h.op} ${this.lock.wordName(h.word)}, now ${d.op} ${this.lock.wordName(d.word)} (a clock, Math.random or state outside the lock's words?)`,
        );
      return h.result;
    }
    if (run.mode === 'look') {
      const L = run.look!;
      if (d.op !== 'wait' && d.op !== 'notify' && d.op !== 'enter' && d.op !== 'leave' && this.lock.isPrivate(d.word, run.actor)) {
        // a private or diagnostic word: simulated on an overlay, never written
        const cur = L.overlay.get(d.word) ?? this.real[d.word]!;
        const nv = this.simulate(d, cur);
        if (nv !== cur) L.overlay.set(d.word, nv);
        return d.op === 'store' || d.op === 'write' ? d.value : cur;
      }
      const v = this.real[d.word]!;
      if (d.op === 'load' || (d.op === 'cas' && v !== d.expected)) {
        L.reads.set(d.word, v);
        if (++L.count > this.cfg.spinProbe) {
          L.forever = true;
          return this.stop();
        }
        return v;
      }
      return this.stop(); // progress: a write, a plain access, a wait, a notify, the critical section
    }
    if (run.mode === 'probe') {
      const p = run.probe!;
      if (i > s.hist.length && this.isReRead(s, d)) {
        const v = this.real[d.word]!;
        const r: Result = d.op === 'wait' ? (v !== d.value ? 'not-equal' : 'timed-out') : v;
        p.results.push({ op: d.op, word: d.word, result: r });
        if (p.results.length > this.cfg.spinProbe) {
          p.forever = true;
          return this.stop();
        }
        return r;
      }
      if (i === s.hist.length) {
        // the pending re-read itself
        const v = this.real[d.word]!;
        const r: Result = d.op === 'wait' ? (v !== d.value ? 'not-equal' : 'timed-out') : v;
        p.results.push({ op: d.op, word: d.word, result: r });
        return r;
      }
      p.next = d;
      return this.stop();
    }
    if (!run.executed && run.mode === 'execute') {
      // the pending operation: performed for real
      run.executed = true;
      const r = this.apply(run.actor, d, true);
      if (r === ASLEEP) {
        s.pending = d;
        return this.stop();
      }
      s.hist.push({ op: d.op, word: d.word, result: r });
      return r;
    }
    if (!run.executed && run.mode === 'wake') {
      run.executed = true;
      const r = this.wake(run.actor, d);
      s.hist.push({ op: d.op, word: d.word, result: r });
      return r;
    }
    if (d.op !== 'wait' && d.op !== 'notify' && d.op !== 'enter' && d.op !== 'leave' && this.lock.isPrivate(d.word, run.actor)) {
      // a word only this actor touches: not a scheduling point
      const r = this.apply(run.actor, d, false) as Result;
      s.hist.push({ op: d.op, word: d.word, result: r });
      return r;
    }
    s.pending = d;
    s.probe = undefined;
    s.look = undefined;
    return this.stop();
  }

  /** The value an operation would leave in a word that holds `cur` (look-ahead on private words). */
  private simulate(d: OpDesc, cur: number): number {
    switch (d.op) {
      case 'store':
      case 'write':
      case 'exchange':
        return d.value;
      case 'cas':
        return cur === d.expected ? d.value : cur;
      case 'add':
        return (cur + d.value) | 0;
      case 'sub':
        return (cur - d.value) | 0;
      case 'and':
        return cur & d.value;
      case 'or':
        return cur | d.value;
      case 'xor':
        return cur ^ d.value;
      default:
        return cur;
    }
  }

  private stop(): never {
    this.run!.stopped = true;
    throw STOP;
  }

  // ---- performing operations -----------------------------------------------------------

  private apply(a: number, d: OpDesc, scheduled: boolean): Result | typeof ASLEEP {
    const s = this.st[a]!;
    const m = this.real;
    const w = d.word;
    if (scheduled) s.clock[a]!++;
    let r: Result;
    let wrote = false;
    let atomic = true;
    let text = '';
    const name = this.lock.wordName(w);
    switch (d.op) {
      case 'load':
        r = m[w]!;
        text = `load ${name} → ${r}`;
        break;
      case 'read':
        r = m[w]!;
        atomic = false;
        text = `read ${name} → ${r} (plain)`;
        break;
      case 'store':
        r = d.value;
        m[w] = d.value;
        wrote = true;
        text = `store ${name} := ${d.value}`;
        break;
      case 'write':
        r = d.value;
        m[w] = d.value;
        wrote = true;
        atomic = false;
        text = `${name} = ${d.value} (plain)`;
        break;
      case 'cas':
        r = m[w]!;
        if (r === d.expected) {
          m[w] = d.value;
          wrote = true;
          text = `CAS ${name} ${d.expected}→${d.value} ok`;
        } else text = `CAS ${name} ${d.expected}→${d.value} fails (${r})`;
        break;
      case 'exchange':
        r = m[w]!;
        m[w] = d.value;
        wrote = true;
        text = `exchange ${name} := ${d.value} (was ${r})`;
        break;
      case 'add':
      case 'sub':
      case 'and':
      case 'or':
      case 'xor': {
        r = m[w]!;
        const v = d.value;
        const nv = d.op === 'add' ? r + v : d.op === 'sub' ? r - v : d.op === 'and' ? r & v : d.op === 'or' ? r | v : r ^ v;
        m[w] = nv | 0;
        wrote = true;
        text = `${d.op} ${name} ${v} (${r} → ${m[w]})`;
        break;
      }
      case 'wait': {
        this.acquireSync(a, w);
        if (m[w] !== d.value) {
          s.window.set(w, m[w]!);
          this.log.push({ actor: a, text: `wait ${name} (${d.value}) → not-equal (${m[w]})` });
          return 'not-equal';
        }
        const q = this.queues.get(w) ?? [];
        this.queues.set(w, [...q, a]);
        s.asleep = true;
        s.notified = false;
        s.notifyClock = null;
        this.log.push({ actor: a, text: `wait ${name} (= ${d.value}) → sleeps${Number.isFinite(d.timeout) ? ` (timeout ${d.timeout} ms)` : ''}` });
        return ASLEEP;
      }
      case 'notify': {
        const q = this.queues.get(w) ?? [];
        const n = Math.min(q.length, d.count);
        const woken = q.slice(0, n);
        this.queues.set(w, q.slice(n));
        for (const b of woken) {
          const sb = this.st[b]!;
          sb.notified = true;
          sb.notifyClock = s.clock.slice();
        }
        s.window.clear();
        this.log.push({ actor: a, text: `notify ${name} → woke ${n}${woken.length ? ` (actor ${woken.join(', ')})` : ''}` });
        return n;
      }
      case 'enter':
        return this.enter(a, d);
      case 'leave':
        if (d.read) this.readersIn--;
        else this.writersIn--;
        this.inside = this.inside.filter((x) => x !== a);
        s.window.clear();
        this.log.push({ actor: a, text: `leaves the critical section` });
        return 0;
    }
    if (scheduled) {
      this.raceCheck(a, w, wrote, atomic);
      if (atomic) {
        if (d.op === 'load' || (d.op === 'cas' && !wrote)) this.acquireSync(a, w);
        else if (d.op === 'store') this.syncClock.set(w, s.clock.slice());
        else {
          this.acquireSync(a, w);
          this.syncClock.set(w, s.clock.slice());
        }
      }
      if (wrote) s.window.clear();
      else s.window.set(w, r as number);
      if (wrote && d.stage === 'acquire' && this.lock.isLockWord(w) && s.announced[d.k] === undefined) s.announced[d.k] = this.steps - 1;
      this.log.push({ actor: a, text });
    }
    return r;
  }

  private wake(a: number, d: OpDesc): Result {
    const s = this.st[a]!;
    s.clock[a]!++;
    s.asleep = false;
    if (s.notified) s.window.clear();
    const q = this.queues.get(d.word) ?? [];
    if (q.includes(a)) this.queues.set(d.word, q.filter((x) => x !== a));
    const r = s.notified ? 'ok' : 'timed-out';
    if (s.notifyClock) for (let i = 0; i < s.clock.length; i++) s.clock[i] = Math.max(s.clock[i]!, s.notifyClock[i]!);
    s.notified = false;
    s.notifyClock = null;
    this.log.push({ actor: a, text: `wakes from wait ${this.lock.wordName(d.word)} → ${r}` });
    return r;
  }

  private acquireSync(a: number, w: number): void {
    const c = this.syncClock.get(w);
    if (!c) return;
    const mine = this.st[a]!.clock;
    for (let i = 0; i < mine.length; i++) if (c[i]! > mine[i]!) mine[i] = c[i]!;
  }

  private enter(a: number, d: OpDesc): Result {
    const s = this.st[a]!;
    s.clock[a]!++;
    s.window.clear();
    const step = this.steps - 1;
    s.entered[d.k] = step;
    const others = this.inside.slice();
    this.inside.push(a);
    if (d.read) this.readersIn++;
    else this.writersIn++;
    const what = d.read ? 'read hold' : this.lock.rw ? 'write hold' : 'holds the lock';
    this.log.push({ actor: a, text: `» enters the critical section (${what})` });
    if (!d.read && others.length > 0) {
      const rw = this.lock.rw && others.some((b) => this.isRead(b, this.st[b]!.k));
      this.finding(
        rw ? 'reader-writer exclusion' : 'mutual exclusion',
        `actor ${a} entered for ${this.lock.rw ? 'write' : 'its critical section'} while actor(s) ${others.join(', ')} ${others.length > 1 ? 'were' : 'was'} inside`,
        step,
      );
    } else if (d.read && others.some((b) => !this.isRead(b, this.st[b]!.k))) {
      this.finding('reader-writer exclusion', `actor ${a} got a read hold while actor(s) ${others.filter((b) => !this.isRead(b, this.st[b]!.k)).join(', ')} held it for write`, step);
    } else if (this.lock.fair) {
      const mine = s.announced[d.k];
      for (let b = 0; b < this.actors; b++) {
        if (b === a) continue;
        const sb = this.st[b]!;
        const theirs = sb.announced[sb.k];
        if (sb.finished || sb.stage !== 'acquire' || theirs === undefined || sb.entered[sb.k] !== undefined) continue;
        if (mine !== undefined && theirs < mine)
          this.finding(
            'FIFO',
            `actor ${b} announced itself (step ${theirs + 1}) before actor ${a} (step ${mine + 1}), but actor ${a} got the lock first`,
            step,
          );
      }
    }
    return 0;
  }

  private raceCheck(a: number, w: number, write: boolean, atomic: boolean): void {
    const c = this.st[a]!.clock;
    const epoch = c[a]!;
    const lw = this.lastWrite.get(w);
    let racer = -1;
    if (lw && lw.actor !== a && lw.epoch > c[lw.actor]! && !(atomic && lw.atomic)) racer = lw.actor;
    const rs = this.reads.get(w) ?? [];
    if (write && racer < 0)
      for (let b = 0; b < rs.length; b++) {
        const r = rs[b];
        if (b !== a && r && r.epoch > c[b]! && !(atomic && r.atomic)) racer = b;
      }
    if (racer >= 0) {
      this.finding(
        'no data race',
        `a ${atomic ? 'atomic' : 'plain'} ${write ? 'write' : 'read'} of ${this.lock.wordName(w)} by actor ${a} races with actor ${racer}'s access (no happens-before through Atomics); its value is not explored`,
        this.steps - 1,
      );
      return;
    }
    if (write) {
      this.lastWrite.set(w, { actor: a, epoch, atomic });
      this.reads.set(w, []);
    } else {
      const copy = rs.slice();
      copy[a] = { epoch, atomic };
      this.reads.set(w, copy);
    }
  }

  private finding(property: PropertyName, detail: string, step: number): void {
    this.findings.push({ property, detail, step });
    this.halted = true;
  }

  // ---- instrumentation -----------------------------------------------------------------

  private index(ta: unknown, i: unknown): number {
    let base = 0;
    if (ta !== this.proxy) {
      if (!(ta instanceof Int32Array) || ta.buffer !== this.real.buffer) throw new ProveError(`${this.lock.name}: an Atomics operation on an array other than the lock's Int32Array (or a view of its buffer)`);
      base = ta.byteOffset / 4;
      if (ta === this.real) base = 0;
    }
    const n = Number(i);
    if (!Number.isInteger(n) || n < 0 || base + n >= this.real.length) throw new RangeError(`Atomics: index ${String(i)} out of range`);
    return base + n;
  }

  private makeAtomics(): typeof Atomics {
    const op = (o: OpName, w: number, value = 0, expected = 0, timeout = Infinity, count = Infinity): Result => this.op(desc(o, w, 'init', 0, false, value, expected, timeout, count));
    const num = (r: Result): number => r as number;
    const inst = {
      load: (ta: unknown, i: unknown) => num(op('load', this.index(ta, i))),
      store: (ta: unknown, i: unknown, v: unknown) => num(op('store', this.index(ta, i), Number(v) | 0)),
      add: (ta: unknown, i: unknown, v: unknown) => num(op('add', this.index(ta, i), Number(v) | 0)),
      sub: (ta: unknown, i: unknown, v: unknown) => num(op('sub', this.index(ta, i), Number(v) | 0)),
      and: (ta: unknown, i: unknown, v: unknown) => num(op('and', this.index(ta, i), Number(v) | 0)),
      or: (ta: unknown, i: unknown, v: unknown) => num(op('or', this.index(ta, i), Number(v) | 0)),
      xor: (ta: unknown, i: unknown, v: unknown) => num(op('xor', this.index(ta, i), Number(v) | 0)),
      exchange: (ta: unknown, i: unknown, v: unknown) => num(op('exchange', this.index(ta, i), Number(v) | 0)),
      compareExchange: (ta: unknown, i: unknown, e: unknown, v: unknown) => num(op('cas', this.index(ta, i), Number(v) | 0, Number(e) | 0)),
      wait: (ta: unknown, i: unknown, v: unknown, t?: unknown) => {
        const timeout = t === undefined ? Infinity : Number(t);
        return op('wait', this.index(ta, i), Number(v) | 0, 0, Number.isNaN(timeout) ? Infinity : Math.max(0, timeout)) as string;
      },
      notify: (ta: unknown, i: unknown, c?: unknown) => num(op('notify', this.index(ta, i), 0, 0, Infinity, c === undefined ? Infinity : Math.max(0, Math.floor(Number(c))))),
      isLockFree: (n: number) => RealAtomics.isLockFree(n),
      pause: () => undefined,
      waitAsync: () => {
        throw new ProveError(`${this.lock.name}: Atomics.waitAsync is not supported under locks --prove`);
      },
      [Symbol.toStringTag]: 'Atomics',
    };
    return inst as unknown as typeof Atomics;
  }

  private makeProxy(): Int32Array {
    const real = this.real;
    const isIndex = (p: string | symbol): p is string => typeof p === 'string' && p.length > 0 && p.charCodeAt(0) >= 48 && p.charCodeAt(0) <= 57 && String(Number(p) >>> 0) === p;
    return new Proxy(real, {
      get: (target, p) => {
        if (isIndex(p)) {
          const w = Number(p);
          if (w >= target.length) return undefined;
          if (this.run === null) return target[w];
          return this.op(desc('read', w, 'init', 0, false)) as number;
        }
        const v = Reflect.get(target, p, target) as unknown;
        return typeof v === 'function' ? (v as (...args: unknown[]) => unknown).bind(target) : v;
      },
      set: (target, p, value) => {
        if (isIndex(p)) {
          const w = Number(p);
          if (w >= target.length) return true;
          if (this.run === null) target[w] = Number(value);
          else this.op(desc('write', w, 'init', 0, false, Number(value) | 0));
          return true;
        }
        return Reflect.set(target, p, value, target);
      },
    });
  }
}

/** A fault of the lock code under proof that is not a property (non-determinism, an unsupported call): exit 2 or a finding. */
export class ProveError extends Error {
  override readonly name = 'ProveError';
}

export { isWaitResult };
