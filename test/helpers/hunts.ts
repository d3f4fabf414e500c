/**
 * The deterministic hunt of every seeded bug: where the controlled scheduler finds
 * it within a fixed budget of schedules (a concurrent file, or the stress workload
 * with a fixed seed), or, for a bug that the controlled scheduler cannot reach yet,
 * the deterministic test that covers it instead. One table, read by the explore
 * tests (each hunt by dfs, random and pct, replayed) and by the bug catalogue test
 * (every bug has a hunt). Real-thread catch rates are measured by `npm run bench:bugs`.
 */
import type { BugName } from '../../src/seccomp/bug.ts';

/** (file, bug, expected violation kinds): the race each file is about, and the seeded bugs that break it. */
export const FILE_HUNTS: [string, BugName, string[]][] = [
  ['tsync_vs_clone', 'clone-copy-early', ['escape', 'inheritance', 'mode-head', 'filter-count', 'forbidden']],
  ['tsync_vs_sibling_attach', 'check-unlocked', ['monotonicity']],
  ['tsync_vs_sibling_attach', 'partial-tsync', ['tsync-atomicity']],
  ['tsync_vs_sibling_attach', 'attach-before-check', ['tsync-atomicity']],
  ['tsync_vs_sibling_attach', 'no-ancestor-check', ['monotonicity']],
  ['tsync_vs_exit', 'exit-release-unlocked', ['use-after-free', 'refcount-mismatch', 'refcount-underflow', 'leak']],
  ['tsync_vs_exit', 'exiting-not-skipped', ['refcount-mismatch', 'leak']],
  ['tsync_vs_exit', 'walk-unlocked-list', ['use-after-free']],
  ['tsync_vs_syscall', 'put-before-get', ['use-after-free', 'refcount-underflow']],
  ['leader_exit_vs_tsync', 'nnp-not-spread', ['tsync-postcondition']],
  ['two_tsync_callers', 'filter-count-self-copy', ['filter-count']],
  ['clone_vs_exit', 'lock-order-inversion', ['deadlock']],
  ['tsync_vs_clone', 'clone-drops-nnp', ['inheritance']],
  // its race is inside the lock word's acquire: explored because every lock runs its own code
  ['tsync_vs_clone', 'racy-siglock', ['mutual-exclusion']],
  // the caller loop takes the tid of a refused TSYNC for success: the retry postcondition fires
  ['tsync_retry_vs_attach', 'retry-tid-as-success', ['tsync-postcondition']],
];

/** Bugs the stress workload (3 threads x 3 ops) finds under `random` with seed 1 within STRESS_BUDGET schedules. */
export const STRESS_HUNTS: [BugName, string[]][] = [
  ['sync-missing-get', ['use-after-free', 'refcount-underflow']],
  ['sync-missing-put', ['refcount-mismatch', 'leak']],
];
export const STRESS_BUDGET = 500;

/** The same bugs under `dpor` on the stress workload of 2 threads x 3 ops: the op choices come from the seed, dpor searches their interleavings. */
export const DPOR_STRESS_HUNTS: [BugName, number, string[]][] = [
  ['sync-missing-get', 2, ['use-after-free', 'refcount-underflow', 'refcount-mismatch']],
  ['sync-missing-put', 2, ['refcount-mismatch', 'leak']],
];

/** Bugs covered by another deterministic test, named here (a test file and title). */
export const OTHER_HUNTS: Partial<Record<BugName, string>> = {};
