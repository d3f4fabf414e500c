/**
 * Data races in lock code under the controlled scheduler (real-lock mode), by vector
 * clocks in the control buffer (CtlLayout.clocks, CtlLayout.raceTable; reset with
 * every execution).
 *
 * Happens-before is what ECMA-262's memory model gives SeqCst `Atomics` operations on
 * the shared words lock code touches: an operation that writes a word (store, the
 * read-modify-writes, a compareExchange that succeeds, notify) releases the actor's
 * clock into the word's sync clock; one that reads it (load, the read-modify-writes,
 * a compareExchange, wait, a wake-up from wait) acquires that clock. Program order
 * ticks the actor's own component. The scheduler's hand-overs are not
 * synchronisation: they are the lab's, not the program's.
 *
 * A data race is two accesses of one word by two actors, at least one a write and at
 * least one a plain index access, that happens-before does not order. ECMA-262 gives
 * such a race no sequentially consistent meaning, so the execution stops at it
 * (its values are not explored) and the race is the finding.
 *
 * Not seen: order made only through the model's own atomics (the seam), which lock
 * code does not use. A table that fills up (RACE_SLOTS words) stops checking new words.
 */
import { MAX_ACTORS, RACE_SLOTS, RACE_SLOT_WORDS, type CtlLayout } from './ctl.ts';

const W_ACTOR = 1; // word + 1 at 0
const W_CLOCK = 2;
const READ_MASK = 3;
const READS = 4;
const SYNC = 4 + MAX_ACTORS;

export interface Race {
  word: number;
  /** the earlier access: its actor, and whether it was a write / a plain access */
  other: number;
  otherWrite: boolean;
  otherPlain: boolean;
}

export class RaceDetector {
  private readonly vc: number;
  private readonly n: number;

  constructor(
    private readonly c: Int32Array,
    private readonly k: CtlLayout,
    private readonly me: number,
  ) {
    this.vc = k.clocks + me * MAX_ACTORS;
    this.n = k.nActors;
  }

  /** The slot of `word`, created if missing; -1 when the table is full. */
  private slot(word: number): number {
    const c = this.c;
    const base = this.k.raceTable;
    let h = Math.imul(word, 0x9e3779b1) >>> 23; // 9 bits: RACE_SLOTS = 512
    for (let i = 0; i < RACE_SLOTS; i++, h = (h + 1) & (RACE_SLOTS - 1)) {
      const at = base + h * RACE_SLOT_WORDS;
      const w = c[at]!;
      if (w === word + 1) return at;
      if (w === 0) {
        c[at] = word + 1;
        return at;
      }
    }
    return -1;
  }

  /** This actor's clock; its own component is its current epoch (1 at the start of an execution). */
  private own(): number {
    const c = this.c;
    if (c[this.vc + this.me] === 0) c[this.vc + this.me] = 1;
    return c[this.vc + this.me]!;
  }

  private acquire(at: number): void {
    const c = this.c;
    for (let a = 0; a < this.n; a++) if (c[at + SYNC + a]! > c[this.vc + a]!) c[this.vc + a] = c[at + SYNC + a]!;
  }

  /** Publish our clock into the word's sync clock, then start a new epoch. */
  private release(at: number): void {
    const c = this.c;
    this.own();
    for (let a = 0; a < this.n; a++) if (c[this.vc + a]! > c[at + SYNC + a]!) c[at + SYNC + a] = c[this.vc + a]!;
    c[this.vc + this.me]!++;
  }

  /** Is the slot's last write unordered with us, and is one of the two plain? */
  private writeRace(at: number, plain: boolean): Race | null {
    const c = this.c;
    const wa = c[at + W_ACTOR]!;
    if (wa === 0) return null;
    const who = (wa & 0xff) - 1;
    const wPlain = (wa & 0x100) !== 0;
    if (who === this.me || (!plain && !wPlain)) return null;
    if (c[this.vc + who]! >= c[at + W_CLOCK]!) return null;
    return { word: c[at]! - 1, other: who, otherWrite: true, otherPlain: wPlain };
  }

  /** A read of `word`: plain (an index read), or atomic (which acquires first). */
  read(word: number, plain: boolean): Race | null {
    const at = this.slot(word);
    if (at < 0) return null;
    const c = this.c;
    const e = this.own();
    if (!plain) this.acquire(at);
    const r = this.writeRace(at, plain);
    if (r) return r;
    c[at + READS + this.me] = e;
    if (plain) c[at + READ_MASK]! |= 1 << this.me;
    else c[at + READ_MASK]! &= ~(1 << this.me);
    return null;
  }

  /** A write of `word`: plain, or atomic (a release; rmw: a read-modify-write, which also acquires first). */
  write(word: number, plain: boolean, rmw = false): Race | null {
    const at = this.slot(word);
    if (at < 0) return null;
    const c = this.c;
    const e = this.own();
    if (rmw) this.acquire(at);
    const r = this.writeRace(at, plain);
    if (r) return r;
    const mask = c[at + READ_MASK]!;
    for (let a = 0; a < this.n; a++) {
      const re = c[at + READS + a]!;
      if (a === this.me || re === 0) continue;
      const readPlain = (mask & (1 << a)) !== 0;
      if (!plain && !readPlain) continue;
      if (c[this.vc + a]! < re) return { word, other: a, otherWrite: false, otherPlain: readPlain };
    }
    for (let a = 0; a < this.n; a++) c[at + READS + a] = 0;
    c[at + READ_MASK] = 0;
    c[at + W_ACTOR] = (this.me + 1) | (plain ? 0x100 : 0);
    c[at + W_CLOCK] = e;
    if (!plain) this.release(at);
    return null;
  }

  /** notify (a release that writes nothing) and a wake-up from wait (an acquire that reads nothing) */
  sync(word: number, release: boolean): void {
    const at = this.slot(word);
    if (at < 0) return;
    if (release) this.release(at);
    else {
      this.own();
      this.acquire(at);
    }
  }
}
