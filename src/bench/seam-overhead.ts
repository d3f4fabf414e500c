/**
 * What the seam costs model code: a scoped lock taken directly (lock.run) versus
 * through Seam.withLock with no hook (the default: one null test) and with a no-op hook
 * (what an attached but idle engine costs). The hook-off runs go first so the JIT
 * measures them before it has ever seen a hook.
 */
import type { Layout } from '../shared/layout.ts';
import { Seam, type Hook } from '../shared/seam.ts';
import type { Lock } from '../locks/lock.ts';
import { nsPer } from '../shared/stats.ts';
import type { SeamResult } from './bench-task.ts';

const NOOP_HOOK: Hook = {
  point() {},
  acquired() {},
  releasing() {},
};

function direct(lock: Lock, n: number, body: () => number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) lock.run(body);
  return nsPer(performance.now() - t0, n);
}

function viaSeam(seam: Seam, id: number, n: number, body: () => number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) seam.withLock(id, true, body);
  return nsPer(performance.now() - t0, n);
}

export function measureSeam(m: Int32Array, layout: Layout, lock: Lock, n: number, runs: number): SeamResult {
  const locks: Lock[] = [];
  locks[lock.id] = lock;
  const seam = new Seam(m, layout, 0, locks);
  const body = (): number => 0;
  const warm = Math.max(200_000, n >> 1);
  const r: SeamResult = { directNs: [], hookOffNs: [], hookOnNs: [] };
  viaSeam(seam, lock.id, warm, body);
  for (let i = 0; i < runs; i++) r.hookOffNs.push(viaSeam(seam, lock.id, n, body));
  direct(lock, warm, body);
  for (let i = 0; i < runs; i++) r.directNs.push(direct(lock, n, body));
  seam.hook = NOOP_HOOK;
  viaSeam(seam, lock.id, warm, body);
  for (let i = 0; i < runs; i++) r.hookOnNs.push(viaSeam(seam, lock.id, n, body));
  return r;
}
