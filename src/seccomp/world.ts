/**
 * Building a worker's view of the lab: layout from the buffer, its lock handles,
 * the seam, and the model context with the operations in force (the correct ones,
 * or a seeded bug's replacements). Used by the scenario runner (one worker, the main
 * thread) and by every engine worker.
 */
import { Layout } from '../shared/layout.ts';
import { Seam } from '../shared/seam.ts';
import { LockSet } from '../locks/lockset.ts';
import { DEFAULT_LOCK_PLAN, type LockPlan, type NativeTable } from '../locks/kinds.ts';
import { DEFAULT_LOCK_OPTIONS, type LockOptions } from '../locks/lock.ts';
import { Ctx, type CtxOptions, type Scope } from './context.ts';
import type { Reporter } from './violations.ts';
import { findDesign } from './designs/index.ts';
import { checkBugDesign, findBug } from './bug-registry.ts';
import type { BugName } from './bug.ts';
import { CORRECT_OPS } from './ops.ts';

export interface WorldOptions {
  design: string;
  bug?: BugName | null;
  scope?: Scope;
  plan?: LockPlan;
  lockOptions?: LockOptions;
  natives?: NativeTable;
  checking?: boolean;
  reporter: Reporter;
  /** the array the lock handles are built over (default: the lab buffer itself); explore's
   *  real-lock mode gives an instrumented view of the same buffer (src/explore/lock-code.ts) */
  lockView?: Int32Array;
}

export function makeCtx(m: Int32Array, worker: number, o: WorldOptions): Ctx {
  const bug = o.bug ? findBug(o.bug) : null;
  if (bug) checkBugDesign(bug, o.design);
  const L = Layout.of(m);
  const lockOptions = o.lockOptions ?? DEFAULT_LOCK_OPTIONS;
  const lm = o.lockView ?? m;
  const locks = new LockSet(lm, L, worker, o.plan ?? DEFAULT_LOCK_PLAN, lockOptions, o.natives ?? []).locks;
  const replace = bug?.locks;
  if (replace) {
    for (let id = 0; id < L.nLocks; id++) {
      const make = replace[L.lockUse(id)];
      if (make) locks[id] = make(lm, L, id, worker, lockOptions);
    }
  }
  const opts: CtxOptions = { design: findDesign(o.design), reporter: o.reporter };
  if (bug) {
    opts.ops = { ...CORRECT_OPS, ...bug.ops };
    if (bug.breaks) opts.broken = bug.breaks;
  }
  if (o.scope !== undefined) opts.scope = o.scope;
  if (o.checking !== undefined) opts.checking = o.checking;
  return new Ctx(new Seam(m, L, worker, locks), opts);
}
