/**
 * Building a worker's view of the lab: layout from the buffer, its lock handles,
 * the seam, and the model context. Used by the scenario runner (one worker, the
 * main thread) and by every engine worker.
 */
import { Layout } from '../shared/layout.ts';
import { Seam } from '../shared/seam.ts';
import { LockSet } from '../locks/lockset.ts';
import { DEFAULT_LOCK_PLAN, type LockPlan, type NativeTable } from '../locks/kinds.ts';
import { DEFAULT_LOCK_OPTIONS, type LockOptions } from '../locks/lock.ts';
import { RacyLock } from '../locks/racy.ts';
import { Ctx, type Scope } from './context.ts';
import type { Reporter } from './violations.ts';
import { findDesign } from './designs/index.ts';
import { checkBugDesign, findBug } from './bugs.ts';

export interface WorldOptions {
  design: string;
  bug?: string | null;
  scope?: Scope;
  plan?: LockPlan;
  lockOptions?: LockOptions;
  natives?: NativeTable;
  checking?: boolean;
  reporter: Reporter;
}

export function makeCtx(m: Int32Array, worker: number, o: WorldOptions): Ctx {
  if (o.bug) checkBugDesign(findBug(o.bug), o.design);
  const L = Layout.of(m);
  const locks = new LockSet(m, L, worker, o.plan ?? DEFAULT_LOCK_PLAN, o.lockOptions ?? DEFAULT_LOCK_OPTIONS, o.natives ?? []);
  if (o.bug === 'racy-siglock') {
    // the seeded bug: every group's siglock checks, then writes without a CAS
    for (let g = 0; g < L.cfg.groups; g++) {
      const id = L.siglock(g);
      locks.locks[id] = new RacyLock(m, L, id, worker, o.lockOptions ?? DEFAULT_LOCK_OPTIONS);
    }
  }
  const seam = new Seam(m, L, worker, locks.locks);
  const opts: ConstructorParameters<typeof Ctx>[1] = { design: findDesign(o.design), reporter: o.reporter };
  if (o.bug !== undefined) opts.bug = o.bug;
  if (o.scope !== undefined) opts.scope = o.scope;
  if (o.checking !== undefined) opts.checking = o.checking;
  return new Ctx(seam, opts);
}
