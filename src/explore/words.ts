/**
 * Names of the words explore reports: the layout's names (src/shared/guards.ts), except
 * a user lock kind's 16 words (docs/locks.md), which the layout keeps in worker 0's MCS
 * node line of that lock: for them, `siglock[0].word[k]`, the word the module knows as
 * m[base + k].
 */
import { describeWord } from '../shared/guards.ts';
import type { Layout } from '../shared/layout.ts';
import { kindFor, type LockPlan } from '../locks/kinds.ts';
import { isUserLockKind } from '../locks/user.ts';

export type WordNamer = (word: number) => string;

/** Lock ids whose kind is a user module, under `plan`. */
export function userLockIds(L: Layout, plan: LockPlan): Set<number> {
  const ids = new Set<number>();
  for (let id = 0; id < L.nLocks; id++) if (isUserLockKind(kindFor(L, id, plan, 'ttas'))) ids.add(id);
  return ids;
}

export function wordNamer(L: Layout, userLocks: ReadonlySet<number>): WordNamer {
  if (userLocks.size === 0) return (w) => describeWord(L, w);
  const base = new Map<number, number>();
  for (const id of userLocks) base.set(L.userLockWords(id), id);
  return (w) => {
    for (const [b, id] of base) if (w >= b && w < b + 16) return `${L.lockName(id)}.word[${w - b}]`;
    return describeWord(L, w);
  };
}
