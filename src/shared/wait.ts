/**
 * Every bounded wait of the lab goes through here: a wait for a word of a shared
 * buffer to reach a state (`boundedWait`, in a worker or on the main thread), a poll
 * on the main thread's event loop (`boundedPoll`), and a bound on a promise
 * (`within`). A lost party must fail a run, never hang it: past its bound a wait
 * throws the one `LabFault` (exit 3), naming what was waited for and the bound, or,
 * for a wait whose timeout its caller handles itself (a best-effort barrier, a probe
 * that may fail), gives up and says so.
 *
 * A wait spins (Atomics.load; the clock is read once per `clockEvery` looks), or with
 * `napMs` sleeps in Atomics.wait on the word between looks: spinning releases parties
 * within nanoseconds, while waking a sleeper costs 10-50 µs but leaves the core free.
 *
 * Not here: a lock's own watchdog (src/locks), which is the subject of the lock lab,
 * and spin budgets that fall through to a bounded wait (litmus's spin start).
 */
import { LabFault } from './lab-fault.ts';

export interface Bound {
  /** what is waited for, named in the fault ("the start gate (HDR.GO)") */
  what: string;
  /** the bound, ms, counted from the first look that failed */
  ms: number;
  /** an absolute deadline instead (performance.now() time): one bound of `ms` over several waits */
  deadline?: number;
  /** the fault's message (default: "timed out after <ms> ms waiting for <what>"); a function is called only on a timeout */
  fault?: string | (() => string);
  /** past the bound, return false instead of throwing: the caller handles the timeout */
  giveUp?: boolean;
}

export interface WordWait extends Bound {
  /** sleep in Atomics.wait on the word, at most this long per nap (default: spin) */
  napMs?: number;
  /** spinning: look at the clock once per this many looks (performance.now() is ≈ 30-100 ns; default 1024) */
  clockEvery?: number;
  /** stop waiting, returning false, when this holds (read before each nap) */
  abort?: () => boolean;
}

function timedOut(b: Bound): false {
  if (b.giveUp) return false;
  const message = typeof b.fault === 'function' ? b.fault() : (b.fault ?? `timed out after ${b.ms} ms waiting for ${b.what}`);
  throw new LabFault(message, { waitedFor: b.what, boundMs: b.ms });
}

/**
 * Wait until `until(m[i])` holds (it may read other words too). Returns true when it
 * did; false when `abort` held, or past the bound with `giveUp`; else past the bound
 * throws a LabFault.
 */
export function boundedWait(m: Int32Array, i: number, until: (v: number) => boolean, w: WordWait): boolean {
  let v = Atomics.load(m, i);
  if (until(v)) return true;
  const deadline = w.deadline ?? performance.now() + w.ms;
  const nap = w.napMs;
  if (nap === undefined) {
    const every = w.clockEvery ?? 1024;
    for (let n = 1; ; n++) {
      v = Atomics.load(m, i);
      if (until(v)) return true;
      if (n % every === 0 && performance.now() > deadline) return timedOut(w);
    }
  }
  for (;;) {
    if (w.abort?.()) return false;
    const left = deadline - performance.now();
    if (left <= 0) return timedOut(w);
    Atomics.wait(m, i, v, Math.min(nap, left));
    v = Atomics.load(m, i);
    if (until(v)) return true;
  }
}

/**
 * The main thread's wait (it must not block its event loop): look every `pollMs` until
 * `until()` holds (it may throw, e.g. a worker's failure). True when it held; false
 * past the bound with `giveUp`; else past the bound throws a LabFault.
 */
export async function boundedPoll(until: () => boolean, b: Bound & { pollMs: number }): Promise<boolean> {
  const deadline = b.deadline ?? performance.now() + b.ms;
  for (;;) {
    if (until()) return true;
    if (performance.now() > deadline) return timedOut(b);
    await new Promise((r) => setTimeout(r, b.pollMs));
  }
}

export const TIMED_OUT: unique symbol = Symbol('timed out');

/** `p`'s value (or its rejection), or TIMED_OUT if it has not settled within `ms`: the caller decides what a timeout means. */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<typeof TIMED_OUT>((r) => (timer = setTimeout(() => r(TIMED_OUT), ms)));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}
