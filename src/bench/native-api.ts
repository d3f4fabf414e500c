/**
 * What each form of V8's Atomics.Mutex costs on this node, one thread, uncontended:
 * `lock(m, fn)`, `tryLock(m, fn)` (the native kind's uncontended path, because it is
 * the only bounded form on Node 20), `lockWithTimeout(m, fn, ms)` where it exists,
 * and the lab's NativeLock.run. Medians of --runs, side by side in one process:
 *
 *   node --harmony-struct --import tsx src/bench/native-api.ts [--runs 5] [--calls 1000000]
 *   scripts/with-node.sh 26 -- node --harmony-struct --import tsx src/bench/native-api.ts
 */
import { parseArgs } from 'node:util';
import { DEFAULT_LOCK_OPTIONS } from '../locks/lock.ts';
import { makeLock } from '../locks/kinds.ts';
import { createNativeMutex, mutexClass, nativeProbe, type NativeMutex } from '../locks/native.ts';
import { Layout } from '../shared/layout.ts';
import { median, nsPer } from '../shared/stats.ts';

interface WithTimeout {
  lockWithTimeout?: (m: NativeMutex, fn: () => void, ms: number) => unknown;
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, calls: { type: 'string', default: '1000000' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log('usage: node --harmony-struct --import tsx src/bench/native-api.ts [--runs N] [--calls N]');
    return;
  }
  const runs = Number(values.runs);
  const calls = Number(values.calls);
  if (!Number.isInteger(runs) || runs < 1 || runs > 99 || !Number.isInteger(calls) || calls < 1000 || calls > 1e8) {
    console.error('native-api: --runs takes 1..99 and --calls 1000..100000000');
    process.exitCode = 2;
    return;
  }
  const M = mutexClass();
  if (M === undefined) {
    console.error('native-api: Atomics.Mutex is unavailable: run node with --harmony-struct');
    process.exitCode = 2;
    return;
  }
  const probe = nativeProbe()!;
  const mutex = createNativeMutex();
  const empty = (): void => {};
  const layout = new Layout({ extraLocks: 1 });
  const lock = makeLock('native', layout.create(), layout, layout.extraLock(0), 0, DEFAULT_LOCK_OPTIONS, mutex);
  const withTimeout = (M as unknown as WithTimeout).lockWithTimeout;
  const forms: [string, () => void][] = [
    ['lock(m, fn)', () => M.lock(mutex, empty)],
    ['tryLock(m, fn)', () => void M.tryLock(mutex, empty)],
    ...(withTimeout ? ([['lockWithTimeout(m, fn, 1000)', () => void withTimeout(mutex, empty, 1000)]] as [string, () => void][]) : []),
    ['NativeLock.run(fn) (lab)', () => lock.run(empty)],
  ];
  const samples = forms.map(() => [] as number[]);
  // warm-up, then the forms alternate run by run, so that load moves all of them alike
  for (const [, f] of forms) for (let i = 0; i < Math.min(calls, 200_000); i++) f();
  for (let r = 0; r < runs; r++) {
    forms.forEach(([, f], k) => {
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) f();
      samples[k]!.push(nsPer(performance.now() - t0, calls));
    });
  }
  const base = median(samples[0]!);
  console.log(`node ${process.version}: Atomics.Mutex, 1 thread, uncontended, empty fn; medians of ${runs} runs of ${calls} calls (tryLock reports ${probe.ok ? probe.form : 'refused'})`);
  forms.forEach(([name], k) => {
    const ns = median(samples[k]!);
    console.log(`  ${name.padEnd(30)} ${ns.toFixed(1).padStart(8)} ns   x lock ${(ns / base).toFixed(2)}`);
  });
}

main();
