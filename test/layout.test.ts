/** A worker rebuilds exactly the main thread's layout from the buffer alone. */
import test from 'ava';
import { Layout } from '../src/shared/layout.ts';

test('Layout.of(buffer) reproduces the configuration, odd sizes included', (t) => {
  for (const cfg of [{}, { scratchWords: 10, extraLocks: 3 }, { maxTasks: 7, maxFilters: 9, groups: 3, workers: 5, ringSize: 8, extraLocks: 0, scratchWords: 0 }]) {
    const L = new Layout(cfg);
    const again = Layout.of(L.create());
    t.deepEqual(again.cfg, L.cfg);
    t.deepEqual(again.regions, L.regions);
  }
});

test('a buffer that is not a lab buffer is refused', (t) => {
  t.throws(() => Layout.of(new Int32Array(new SharedArrayBuffer(64))), { message: /bad magic/ });
});
