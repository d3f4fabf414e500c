/**
 * One worker's handles on every lock of the buffer, kinds chosen per role.
 */
import type { Layout } from '../shared/layout.ts';
import { DEFAULT_LOCK_OPTIONS, type Lock, type LockOptions } from './lock.ts';
import { DEFAULT_LOCK_PLAN, kindFor, makeLock, type LockKind, type LockPlan, type NativeTable, NATIVE_UNAVAILABLE } from './kinds.ts';
import { UsageError } from '../shared/usage-error.ts';
import { createNativeMutex, nativeAvailable } from './native.ts';

export class LockSet {
  readonly locks: Lock[];
  constructor(
    m: Int32Array,
    layout: Layout,
    worker: number,
    plan: LockPlan = DEFAULT_LOCK_PLAN,
    opts: LockOptions = DEFAULT_LOCK_OPTIONS,
    natives: NativeTable = [],
    extraKind: LockKind = 'ttas',
  ) {
    this.locks = [];
    for (let id = 0; id < layout.nLocks; id++) this.locks.push(makeLock(kindFor(layout, id, plan, extraKind), m, layout, id, worker, opts, natives));
  }
}

/** Main thread: create the Atomics.Mutex objects a plan needs (empty when none is native). */
export function createNatives(layout: Layout, plan: LockPlan, extraKind: LockKind = 'ttas'): NativeTable {
  const out: NativeTable = [];
  let any = false;
  for (let id = 0; id < layout.nLocks; id++) {
    if (kindFor(layout, id, plan, extraKind) === 'native') {
      if (!nativeAvailable()) throw new UsageError(NATIVE_UNAVAILABLE);
      out.push(createNativeMutex());
      any = true;
    } else out.push(null);
  }
  return any ? out : [];
}
