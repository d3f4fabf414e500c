/**
 * Cache-line ping-pong: two workers bounce one word back and forth (side 0 writes odd
 * values, side 1 even ones), each spinning until the other's write arrives. The one-way
 * time is the cost of moving a cache line between the two cores: the limit for any
 * lock handoff between them.
 */
import { LabFault } from '../shared/lab-fault.ts';
import { nsPer } from '../shared/stats.ts';

/**
 * Spin until the word reads `v`. The bound is per wait (it starts at the first clock look,
 * after 65536 spins, so the fast path reads no clock): a run that progresses slowly on an
 * oversubscribed machine finishes; a partner that never answers is a LabFault.
 */
function spinFor(m: Int32Array, at: number, v: number, boundMs: number): void {
  let n = 0;
  let deadline = 0;
  while (Atomics.load(m, at) !== v) {
    if ((++n & 0xffff) !== 0) continue;
    const now = performance.now();
    if (deadline === 0) deadline = now + boundMs;
    else if (now > deadline) throw new LabFault(`ping-pong: no answer within ${boundMs} ms (waiting for ${v})`);
  }
}

/**
 * One run of `trips` round trips starting from value `base` (even, same on both sides).
 * Returns one-way ns (meaningful on side 0, which starts and ends the run).
 */
export function pingPongRun(m: Int32Array, at: number, side: 0 | 1, base: number, trips: number, syncMs: number): number {
  const t0 = performance.now();
  if (side === 0) {
    for (let i = 0; i < trips; i++) {
      const v = base + 2 * i;
      Atomics.store(m, at, v + 1);
      spinFor(m, at, v + 2, syncMs);
    }
  } else {
    for (let i = 0; i < trips; i++) {
      const v = base + 2 * i;
      spinFor(m, at, v + 1, syncMs);
      Atomics.store(m, at, v + 2);
    }
  }
  return nsPer(performance.now() - t0, 2 * trips);
}
