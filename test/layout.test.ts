/** A worker rebuilds exactly the main thread's layout from the buffer alone; the model's buffer holds no engine's run words. */
import test from 'ava';
import { HDR, LINE, Layout, TASK } from '../src/shared/layout.ts';
import { LOOP, RUN, RunWords } from '../src/stress/run-words.ts';

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

test("the stress engine's words are its own: none in the model's header or task records, each in its own record", (t) => {
  const fields = (f: Record<string, number>) => Object.keys(f).filter((k) => k !== 'SIZE');
  for (const k of ['STOP', 'VIOLATIONS', 'ACTIVE', 'BARRIER_HOLD', 'STARTED', 'GO', 'AUDIT_REQ']) {
    t.false(k in HDR, `HDR.${k}`);
    t.true(k in RUN, `RUN.${k}`);
  }
  for (const k of ['CLAIM', 'RETRY', 'RETRY_LABEL', 'RETRY_T0', 'KILL']) {
    t.false(k in TASK, `TASK.${k}`);
    t.true(k in LOOP, `LOOP.${k}`);
  }
  for (const rec of [RUN, LOOP] as Record<string, number>[]) {
    const offs = fields(rec).map((k) => rec[k]!);
    t.is(new Set(offs).size, offs.length, 'no two fields share a word');
    t.true(offs.every((o) => o >= 0 && o < rec['SIZE']!));
  }
  const run = new RunWords(5);
  t.is(run.task(0), RUN.SIZE);
  t.is(run.task(4) + LOOP.SIZE, run.r.length);
  t.is(RunWords.of(run.r).task(3), run.task(3));
  t.not(Math.floor(RUN.AUDIT_REQ / LINE), Math.floor(RUN.STOP / LINE), 'the audit request has a cache line of its own');
});
