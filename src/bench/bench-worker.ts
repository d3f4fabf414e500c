/** The lock benchmark's worker program: runs the measurement a task names. */
import { Layout } from '../shared/layout.ts';
import { DEFAULT_LOCK_OPTIONS } from '../locks/lock.ts';
import { makeLock } from '../locks/kinds.ts';
import { program } from '../workers/program.ts';
import { SpinBarrier } from '../shared/barrier.ts';
import { BSLOT, type BenchTask, type ContendedRun, type SeamResult, type UncontendedResult } from './bench-task.ts';
import { floorNsPerPair } from './floor.ts';
import { nativeRawNs } from './native-raw.ts';
import { pingPongRun } from './pingpong.ts';
import { measureUncontended } from './uncontended.ts';
import { measureContended } from './contended.ts';
import { measureSeam } from './seam-overhead.ts';

/** Bound on every synchronisation wait between bench workers. */
const SYNC_MS = 30_000;

type BenchResult = number[] | UncontendedResult | ContendedRun[] | SeamResult;

export default program({ lockKinds: (task: BenchTask) => ('kind' in task ? [task.kind] : []), run: measure });

function measure(task: BenchTask): BenchResult {
  switch (task.op) {
    case 'ready': {
      const sc = Layout.of(task.m).scratchWord(0);
      new SpinBarrier(task.m, sc + BSLOT.BAR_COUNT, sc + BSLOT.BAR_GEN, task.parties).arrive(SYNC_MS);
      return [];
    }
    case 'floor': {
      // a lock word of the buffer that no lock uses in this run
      const layout = Layout.of(task.m);
      const at = layout.lock(layout.extraLock(0));
      floorNsPerPair(task.m, at, Math.max(200_000, task.pairs >> 1));
      return Array.from({ length: task.runs }, () => floorNsPerPair(task.m, at, task.pairs));
    }
    case 'native-raw':
      nativeRawNs(task.mutex, Math.max(200_000, task.pairs >> 1));
      return Array.from({ length: task.runs }, () => nativeRawNs(task.mutex, task.pairs));
    case 'pingpong': {
      const layout = Layout.of(task.m);
      const sc = layout.scratchWord(0);
      const bar = new SpinBarrier(task.m, sc + BSLOT.BAR_COUNT, sc + BSLOT.BAR_GEN, 2);
      const out: number[] = [];
      let base = 0;
      for (let r = -1; r < task.runs; r++) {
        bar.arrive(SYNC_MS);
        const trips = r < 0 ? task.trips >> 1 : task.trips; // run -1 warms up
        const ns = pingPongRun(task.m, sc + BSLOT.PING, task.side, base, trips, SYNC_MS);
        base += 2 * trips;
        if (r >= 0) out.push(ns);
      }
      return out;
    }
    case 'uncontended': {
      const layout = Layout.of(task.m);
      const lock = makeLock(task.kind, task.m, layout, task.lockId, 0, DEFAULT_LOCK_OPTIONS, task.mutex);
      return measureUncontended(lock, task.pairs, task.runs, task.m, layout.scratchWord(0) + BSLOT.FLOOR);
    }
    case 'contended': {
      const layout = Layout.of(task.m);
      const lock = makeLock(task.kind, task.m, layout, task.lockId, task.worker, DEFAULT_LOCK_OPTIONS, task.mutex);
      return measureContended(lock, task.m, layout.scratchWord(0), task.worker, task.parties, task.ms, task.runs, task.trips, SYNC_MS);
    }
    case 'seam': {
      const layout = Layout.of(task.m);
      return measureSeam(task.m, layout, makeLock('ttas', task.m, layout, task.lockId, 0), task.pairs, task.runs);
    }
  }
}
