/**
 * Tearing a round down: copy back, from the post-setup snapshot, only the words the
 * round's `stride` copies can have touched. Every region is an array of records, so
 * "the copies [0, stride)" is a prefix per region:
 *   - header, allocators and the locks of the global roles and of groups [0, stride)
 *     (one range: they are laid out in that order), their MCS queue nodes, and each
 *     worker's lock statistics for them;
 *   - task slots and filter nodes: setup's slots of copies [0, stride), plus whatever
 *     the round took from the bump allocators (everything past the post-setup bump);
 *   - group records [0, stride);
 *   - the per-worker tail (worker records, counters, event rings, lockdep): whole.
 * If setup freed anything, the free lists could hand a later copy's slot to an early
 * copy, so whole slot ranges are reset then.
 */
import { ALLOC, LOCK_ID, LOCKS_PER_GROUP } from '../shared/layout.ts';
import type { Layout } from '../shared/layout.ts';

/** What a reset needs to know about the prepared copies (see copies.ts). */
export interface ResetInfo {
  L: Layout;
  snapshot: Int32Array;
  taskEnd: Int32Array;
  nodeEnd: Int32Array;
  freeLists: boolean;
}

/** Flat [start, end) pairs of word indices. */
export function usedRanges(p: ResetInfo, m: Int32Array, stride: number): number[] {
  const { L } = p;
  const out: number[] = [];
  const add = (a: number, b: number) => {
    if (b > a) out.push(a, b);
  };
  const locksUsed = LOCK_ID.FIRST_GROUP + stride * LOCKS_PER_GROUP;
  add(0, L.lock(locksUsed));
  add(L.qnode(0, 0), L.qnode(locksUsed, 0));
  for (let w = 0; w < L.cfg.workers; w++) add(L.lstat(0, w), L.lstat(locksUsed, w));
  const bumps = (field: number, ends: Int32Array, at: (slot: number) => number) => {
    const base = p.snapshot[L.alloc + field]!;
    const now = Math.max(base, Atomics.load(m, L.alloc + field));
    if (p.freeLists) add(at(0), at(now));
    else {
      add(at(0), at(ends[stride - 1]!));
      add(at(base), at(now));
    }
  };
  bumps(ALLOC.TASK_BUMP, p.taskEnd, (s) => L.task(s));
  bumps(ALLOC.NODE_BUMP, p.nodeEnd, (s) => L.node(s));
  add(L.group(0), L.group(stride));
  add(L.workers, L.words);
  return out;
}

/** Reset part `part` of `parts` of every range (the actors share the work). */
export function resetRanges(m: Int32Array, snapshot: Int32Array, ranges: number[], part: number, parts: number): void {
  for (let i = 0; i < ranges.length; i += 2) {
    const a = ranges[i]!;
    const len = ranges[i + 1]! - a;
    const lo = a + Math.floor((len * part) / parts);
    const hi = a + Math.floor((len * (part + 1)) / parts);
    m.set(snapshot.subarray(lo, hi), lo);
  }
}

/** Words reset per round for `stride` copies (for the report). */
export function resetWords(ranges: number[]): number {
  let n = 0;
  for (let i = 0; i < ranges.length; i += 2) n += ranges[i + 1]! - ranges[i]!;
  return n;
}

