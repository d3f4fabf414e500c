/**
 * The lock lab's worker program: builds this worker's handle on the lock under test
 * from the task, and runs the workload the task names.
 */
import { Layout } from '../shared/layout.ts';
import { DEFAULT_LOCK_OPTIONS, type Lock } from '../locks/lock.ts';
import { makeLock } from '../locks/kinds.ts';
import { BrokenLock, UnfairRwLock } from '../locks/broken.ts';
import type { LockTask, LockTaskResult } from './lock-task.ts';
import { program } from '../workers/program.ts';
import { count, entryRace, hold, rwFair, rwRead, rwShare, rwWrite, wait, type WorkloadEnv } from './lock-workloads.ts';

/** The worker's handle on the task's lock (the negative controls included). */
function lockFor(task: LockTask, layout: Layout): Lock {
  const opts = { ...DEFAULT_LOCK_OPTIONS, watchdogMs: task.watchdogMs };
  if (task.kind === 'broken') return new BrokenLock(task.m, layout, task.lockId, task.worker, opts);
  if (task.kind === 'unfair-rw') return new UnfairRwLock(task.m, layout, task.lockId, task.worker, opts);
  return makeLock(task.kind, task.m, layout, task.lockId, task.worker, opts, task.mutex);
}

export default program({ lockKinds: (task: LockTask) => [task.kind], run: runTask });

function runTask(task: LockTask): LockTaskResult {
  const layout = Layout.of(task.m);
  const c: WorkloadEnv = { m: task.m, layout, lock: lockFor(task, layout), sc: layout.scratchWord(0), lk: layout.lock(task.lockId) };
  switch (task.op) {
    case 'count':
      return count(c, task);
    case 'hold':
      return hold(c, task);
    case 'wait':
      return wait(c, task);
    case 'rw-write':
      return rwWrite(c, task);
    case 'rw-read':
      return rwRead(c, task);
    case 'rw-share':
      return rwShare(c, task);
    case 'rw-fair':
      return rwFair(c, task);
    case 'entry-race':
      return entryRace(c, task);
  }
}
