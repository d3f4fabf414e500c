/**
 * Synthetic: every group's siglock is a lock whose acquire checks the word, then
 * writes it without a CAS (src/locks/racy.ts). Mutual exclusion breaks; refcounts
 * and ancestry go wrong.
 */
import { RacyLock } from '../../locks/racy.ts';
import { defineBug } from '../bug.ts';

declare module '../bug.ts' {
  interface BugRegistry {
    'racy-siglock': true;
  }
}

export default defineBug({
  name: 'racy-siglock',
  origin: 'synthetic: the siglock acquire checks, then writes without a CAS',
  catches: ['refcount-mismatch', 'refcount-underflow', 'use-after-free', 'monotonicity', 'escape'],
  effect: 'mutual exclusion breaks; refcounts and ancestry go wrong',
  noise: 0.05,
  ops: {},
  locks: { siglock: (m, L, id, worker, opts) => new RacyLock(m, L, id, worker, opts) },
});
