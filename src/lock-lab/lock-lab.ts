/**
 * The main-thread side of the lock tests: a pool of lock workers and fresh buffers.
 * Every scenario gets its own buffer (a scenario may leave its lock held on purpose).
 */
import type { WorkerPool } from '../workers/pool.ts';
import { Layout } from '../shared/layout.ts';
import { createNativeMutex, type NativeMutex } from '../locks/native.ts';
import { SCRATCH_WORDS, type LockTask, type LockTaskResult, type WorkloadKind } from './lock-task.ts';
import { workerPool } from '../workers/pool.ts';

/** One scenario's shared state: the buffer, the lock under test, its native mutex. */
export interface Rig {
  m: Int32Array;
  layout: Layout;
  kind: WorkloadKind;
  lockId: number;
  mutex?: NativeMutex;
  /** index of scratch word 0 */
  sc: number;
}

export class LockLab {
  private constructor(private readonly pool: WorkerPool) {}

  /** `threads` workers: the most workers any scenario runs at once. */
  static open(threads: number): LockLab {
    return new LockLab(workerPool(new URL('./lock-worker.ts', import.meta.url), threads));
  }

  /** A fresh buffer with `workers` worker records and the scenario's lock. */
  rig(kind: WorkloadKind, workers: number): Rig {
    const layout = new Layout({ workers, scratchWords: SCRATCH_WORDS, extraLocks: 1 });
    const rig: Rig = { m: layout.create(), layout, kind, lockId: layout.extraLock(0), sc: layout.scratchWord(0) };
    if (kind === 'native') rig.mutex = createNativeMutex();
    return rig;
  }

  /** Run one workload on a pool worker. The buffer in the task is shared, not copied. */
  run(task: LockTask): Promise<LockTaskResult> {
    return this.pool.run(task) as Promise<LockTaskResult>;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

/** The fields every task of a rig shares. */
export function base(rig: Rig, worker: number, watchdogMs: number, syncMs: number) {
  const b = { m: rig.m, kind: rig.kind, lockId: rig.lockId, worker, watchdogMs, syncMs };
  return rig.mutex === undefined ? b : { ...b, mutex: rig.mutex };
}
