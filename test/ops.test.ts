/**
 * The overridable operations: each design's `uses` is exactly the set of operations
 * its code calls (recorded over a small workload that reaches every path), so the
 * designs a seeded bug applies to cannot drift from the code.
 */
import test from 'ava';
import { DESIGNS } from '../src/seccomp/designs/index.ts';
import { runOpWorkload } from './helpers/op-workload.ts';

for (const design of DESIGNS) {
  test(`design ${design.name} calls exactly the operations it declares`, (t) => {
    const r = runOpWorkload(design);
    t.true(r.cloned);
    t.deepEqual(r.violations, []);
    t.deepEqual([...r.called].sort(), [...design.uses].sort());
  });
}
