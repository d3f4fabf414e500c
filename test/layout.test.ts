/**
 * A worker rebuilds exactly the main thread's layout from the buffer alone; the model's
 * buffer holds no engine's run words; every engine's control buffer begins with the
 * runtime's run-control block.
 */
import test from 'ava';
import { HDR, LINE, Layout, TASK } from '../src/shared/layout.ts';
import { LOOP, RUN, RunWords } from '../src/stress/run-words.ts';
import { CTL, RESULT } from '../src/workers/control.ts';
import { H, HOLDER } from '../src/explore/ctl.ts';
import { LH } from '../src/litmus/ctl.ts';

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

test("every engine's control buffer begins with the runtime's run-control block, and its own words come after it", (t) => {
  const engines: [string, Record<string, number>, Record<string, number>][] = [
    // engine, its control words, which of them are the block's
    ['stress', RUN, { STOP: CTL.STOP, VIOLATIONS: CTL.FINDINGS, ACTIVE: CTL.ACTIVE, STARTED: CTL.READY, GO: CTL.GO }],
    ['explore', H, { QUIT: CTL.QUIT, ABORT: CTL.ABORT, READY: CTL.READY, VIOLATIONS: CTL.FINDINGS }],
    ['litmus', LH, { STOP_REQ: CTL.STOP, ABORT: CTL.ABORT }],
  ];
  t.is(CTL.SIZE % LINE, 0, 'the block fills whole cache lines');
  for (const [name, words, shared] of engines) {
    for (const [k, v] of Object.entries(words)) {
      if (k === 'SIZE') continue;
      if (k in shared) t.is(v, shared[k], `${name}: ${k} is the block's word`);
      else t.true(v >= CTL.SIZE, `${name}: ${k} (word ${v}) lies after the block`);
    }
  }
  // one result record for explore's and litmus's op results, and each field its own word
  for (const rec of [RESULT, HOLDER] as Record<string, number>[]) {
    const offs = Object.entries(rec).filter(([k]) => k !== 'SIZE').map(([, v]) => v);
    t.deepEqual([...offs].sort((a, b) => a - b), offs.map((_, i) => i), 'fields are the record\'s words, none shared');
  }
});
