/**
 * Each seeded bug replaces the one step it breaks, not a copy of the path around it:
 *  - the operations it overrides are exactly the ones listed here (a bug that starts
 *    overriding more, or a bigger step, fails this until the list is changed on purpose);
 *  - run on a workload that reaches every step, it still calls, through `ctx.ops`,
 *    every step of its design that it does not replace. A bug that re-types the
 *    steps below the one it overrides (the whole TSYNC path, say) stops calling them.
 *    The few steps a bug's difference itself takes the place of are listed, with why.
 */
import test from 'ava';
import { BUGS, bugDesigns } from '../src/seccomp/bug-registry.ts';
import type { BugName } from '../src/seccomp/bug.ts';
import { CORRECT_OPS, type ModelOps, type OpName } from '../src/seccomp/ops.ts';
import type { Design } from '../src/seccomp/design.ts';
import { merged } from '../src/seccomp/designs/merged.ts';
import { canSyncThreads, linkPrepared, syncThreads, tsyncDone } from '../src/seccomp/tsync.ts';
import { pathTooLong } from '../src/seccomp/attach.ts';
import { tsyncCritical } from '../src/seccomp/process.ts';
import { fail, tsyncFailed } from '../src/seccomp/errors.ts';
import { runOpWorkload } from './helpers/op-workload.ts';

/** the operations each bug overrides: its one step (two where the difference spans a pair) */
const STEPS: Record<BugName, OpName[]> = {
  'attach-before-check': ['attachFilter'],
  'check-unlocked': ['tsyncLocks'],
  'clone-copy-early': ['copyProcess'],
  'clone-drops-nnp': ['copySeccomp'],
  'exit-release-unlocked': ['exitSignalsAndRelease'],
  'exiting-not-skipped': ['canSyncThreads', 'syncThreads'], // the same skip missing from both passes
  'filter-count-self-copy': ['syncThread'],
  'lock-order-inversion': ['releaseTask'],
  'nnp-not-spread': ['composeThread', 'syncThread'], // sync-one and its force-compose twin
  'no-ancestor-check': ['canSyncThreads'],
  'partial-tsync': ['attachFilter'],
  'put-before-get': ['syncThreads'],
  'racy-siglock': [], // a lock, not an operation
  'retry-tid-as-success': ['retryAttempt'],
  'sync-missing-get': ['syncThread'],
  'sync-missing-put': ['syncThread'],
  'walk-unlocked-list': ['tsyncLocks'],
};

/** steps of the design that the bug's own difference takes the place of (so it does not call them) */
const REPLACED_BY_THE_DIFFERENCE: Partial<Record<BugName, OpName[]>> = {
  'partial-tsync': ['canSyncThreads'], // can_sync becomes a check-and-apply pass
  'put-before-get': ['syncThread'], // the pass puts before it gets, for the caller too: sync-one inline, reordered
  'walk-unlocked-list': ['syncThreads'], // the commit syncs the threads of the unlocked walk, not a locked walk
};

test('every bug is listed with the steps it overrides, and those are all it overrides', (t) => {
  t.deepEqual(Object.keys(STEPS).sort(), BUGS.map((b) => b.name).sort());
  for (const b of BUGS) {
    t.deepEqual(Object.keys(b.ops).sort(), [...STEPS[b.name]].sort(), b.name);
    t.true(Object.keys(b.ops).every((op) => op in CORRECT_OPS), `${b.name} overrides an unknown operation`);
    t.true(Object.keys(b.ops).length <= 2, `${b.name} overrides ${Object.keys(b.ops).length} operations`);
  }
});

/** the steps of `design` the run did not call */
function skippedSteps(design: Design, called: ReadonlySet<OpName>): OpName[] {
  return design.uses.filter((op) => !called.has(op)).sort();
}

for (const b of BUGS) {
  for (const design of bugDesigns(b)) {
    test(`${b.name} on ${design.name}: every step it does not replace is still called through ctx.ops`, (t) => {
      const r = runOpWorkload(design, b.name);
      const expected = (REPLACED_BY_THE_DIFFERENCE[b.name] ?? []).filter((op) => design.uses.includes(op));
      t.deepEqual(skippedSteps(design, r.called), expected.sort(), `violations: ${r.violations.join('; ') || 'none'}`);
    });
  }
}

test('negative control: a lock step that re-types the TSYNC path (calling the correct functions directly) is caught', (t) => {
  const retyped: ModelOps['tsyncLocks'] = (ctx, call) =>
    tsyncCritical(ctx, call.group, () => {
      if (pathTooLong(ctx, call.caller, call.req.insns)) return fail('ENOMEM');
      const failed = canSyncThreads(ctx, call.caller);
      if (failed !== 0) return tsyncFailed(failed);
      linkPrepared(ctx, call);
      syncThreads(ctx, call.caller);
      return tsyncDone(ctx, call);
    });
  const r = runOpWorkload(merged, null, { tsyncLocks: retyped });
  t.deepEqual(r.violations, [], 'the copy is correct: only the check can tell');
  t.deepEqual(skippedSteps(merged, r.called), ['attachFilter', 'canSyncThreads', 'syncThreads']);
  t.deepEqual(skippedSteps(merged, runOpWorkload(merged).called), [], 'and the correct model calls them all');
});
