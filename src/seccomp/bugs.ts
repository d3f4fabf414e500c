/**
 * The seeded bugs: deliberately broken variants of the model, most of them bugs the
 * real kernel had (reference §8). The model's code paths test `ctx.bug === NAME` at
 * the one place each bug lives; this table is the switchboard's catalogue.
 * `catches`: the stress run must report a violation of (at least) one of these kinds.
 */
import type { ViolationKind } from './violations.ts';
import { UsageError } from '../shared/usage-error.ts';

export interface BugInfo {
  name: string;
  origin: string;
  catches: ViolationKind[];
  /** what goes wrong, one line */
  effect: string;
  /** noise probability that makes it show up fast (0 = none needed) */
  noise: number;
  /** op mix override that exposes it (stress syntax), if the default is poor */
  mix?: string;
  /** the designs whose code has this bug's switch */
  designs: readonly string[];
}

const ALL = ['merged', 'separate-sync', 'force-compose'] as const;
const MERGED = ['merged'] as const;

export const BUGS: readonly BugInfo[] = [
  {
    name: 'clone-copy-early',
    origin: 'B1: pre-v2 / ChromeOS design, seccomp state copied in dup_task_struct outside siglock',
    catches: ['escape'],
    effect: 'the child copies its filter before taking siglock and joins later: it escapes a concurrent TSYNC',
    noise: 0.02,
    mix: 'tsync=6,clone=6,exit=4,attach=1,syscall=2',
    designs: ALL,
  },
  {
    name: 'partial-tsync',
    origin: 'B3: ChromeOS / pre-v6 per-thread sync (check and apply in one pass, continue past failures)',
    catches: ['tsync-atomicity'],
    effect: 'a failed TSYNC has changed the threads before the failing one',
    noise: 0,
    designs: MERGED,
  },
  {
    name: 'attach-before-check',
    origin: 'B15 (synthetic): link the new node on the caller, then check; return the tid without unlinking',
    catches: ['tsync-atomicity'],
    effect: 'the caller keeps the filter of a failed TSYNC',
    noise: 0,
    designs: MERGED,
  },
  {
    name: 'no-ancestor-check',
    origin: 'synthetic: TSYNC without is_ancestor()',
    catches: ['monotonicity'],
    effect: 'TSYNC overwrites a diverged thread\'s head: it loses a filter (and a lockless walk may hit freed nodes)',
    noise: 0,
    designs: MERGED,
  },
  {
    name: 'put-before-get',
    origin: 'B7 (synthetic): sync pass puts the old head before getting the new one and does not skip the caller',
    catches: ['use-after-free', 'refcount-underflow'],
    effect: 'the new node is freed while attached',
    noise: 0,
    designs: MERGED,
  },
  {
    name: 'sync-missing-get',
    origin: 'synthetic: sync pass forgets get_seccomp_filter(caller)',
    catches: ['use-after-free', 'refcount-underflow'],
    effect: 'refcount underflow: nodes freed while still in use',
    noise: 0,
    designs: ALL,
  },
  {
    name: 'sync-missing-put',
    origin: 'synthetic: sync pass forgets to release the old head',
    catches: ['refcount-mismatch', 'leak'],
    effect: 'references leak; nodes stay allocated after everything exits',
    noise: 0,
    designs: ALL,
  },
  {
    name: 'exit-release-unlocked',
    origin: 'B11-i: exit marks PF_EXITING and releases the filter without siglock (the 6.11 pitfall)',
    catches: ['refcount-underflow', 'use-after-free', 'refcount-mismatch', 'leak'],
    effect: 'exit drops the filter while TSYNC swaps it: a double release and a leaked reference',
    noise: 0.05,
    mix: 'tsync=8,clone=5,exit=5,attach=1,syscall=1',
    designs: ALL,
  },
  {
    name: 'exiting-not-skipped',
    origin: 'B11-ii: TSYNC does not skip PF_EXITING threads (6.11 release-at-exit without the skip)',
    catches: ['refcount-mismatch', 'leak'],
    effect: 'an exiting thread whose filter was already released gets a new reference that nobody drops (leak); with release at exit its NULL head counts as the root ancestor, so it does not block TSYNC (the pre-6.11 blocking, B10, needs release at reap)',
    noise: 0.05,
    mix: 'tsync=8,clone=5,exit=5,attach=1,syscall=1',
    designs: MERGED,
  },
  {
    name: 'check-unlocked',
    origin: 'synthetic: eligibility check and commit under two different siglock holds',
    catches: ['monotonicity'],
    effect: 'a thread that attached between the check and the commit loses its filter',
    noise: 0.05,
    mix: 'tsync=6,attach=6,clone=2,exit=2,syscall=1',
    designs: MERGED,
  },
  {
    name: 'nnp-not-spread',
    origin: 'v8 of the 2014 series ("fixed missed copying of nnp state", v9)',
    catches: ['tsync-postcondition'],
    effect: 'TSYNC does not set no_new_privs on the synced threads',
    noise: 0,
    designs: ['merged', 'force-compose'],
  },
  {
    name: 'lock-order-inversion',
    origin: 'synthetic: exit takes siglock before tasklist_lock while clone takes them in the documented order',
    catches: ['lockdep-cycle'],
    effect: 'a possible ABBA deadlock; lockdep reports it even when no deadlock happens',
    noise: 0,
    designs: ALL,
  },
  {
    name: 'racy-siglock',
    origin: 'synthetic: the siglock acquire checks, then writes without a CAS',
    catches: ['refcount-mismatch', 'refcount-underflow', 'use-after-free', 'monotonicity', 'escape'],
    effect: 'mutual exclusion breaks; refcounts and ancestry go wrong',
    noise: 0.05,
    designs: ALL,
  },
  {
    name: 'walk-unlocked-list',
    origin: 'while_each_thread hazard: TSYNC walks the thread list without siglock from a thread that may exit',
    catches: ['use-after-free', 'livelock'],
    effect: 'the walk reads a freed task slot (stale generation) or never ends',
    noise: 0.05,
    mix: 'tsync=6,clone=6,exit=6,attach=1,syscall=1',
    designs: MERGED,
  },
  {
    name: 'filter-count-self-copy',
    origin: 'B8: c818c03b661c, fixed by b4d8a58f8dcf (2021): TSYNC copied filter_count from the thread itself',
    catches: ['filter-count'],
    effect: "a synced thread's filter_count (/proc Seccomp_filters) no longer matches its chain",
    noise: 0,
    designs: ALL,
  },
];

/** A bug with a design whose code has no switch for it would run clean: refuse the pair. */
export function checkBugDesign(bug: BugInfo, design: string): void {
  if (!bug.designs.includes(design)) throw new UsageError(`bug "${bug.name}" has no switch in design "${design}"; it applies to: ${bug.designs.join(', ')}`);
}

export function findBug(name: string): BugInfo {
  const b = BUGS.find((x) => x.name === name);
  if (!b) throw new UsageError(`unknown bug "${name}"; bugs: ${BUGS.map((x) => x.name).join(', ')}`);
  return b;
}
