/**
 * V8's Atomics.Mutex by itself: `Atomics.Mutex.lock(m, emptyFn)`, without the lab's
 * NativeLock wrapper (owner word, statistics, bounded tryLock loop), so the table can
 * show what the wrapper costs on top of V8.
 */
import { mutexClass, type NativeMutex } from '../locks/native.ts';
import { nsPer } from '../shared/stats.ts';

export function nativeRawNs(mutex: NativeMutex, pairs: number): number {
  const M = mutexClass();
  if (M === undefined) throw new Error('Atomics.Mutex is unavailable (node without --harmony-struct)');
  const empty = (): void => {};
  const t0 = performance.now();
  for (let i = 0; i < pairs; i++) M.lock(mutex, empty);
  return nsPer(performance.now() - t0, pairs);
}
