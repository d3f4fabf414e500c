/**
 * Differential fuzzing (diff --fuzz): the generator covers what issue 13 lists,
 * every generated scenario is valid, a small fixed-seed run finds the model and
 * Linux identical, and (the must-fail side) a seeded model bug is found and
 * shrunk to a small scenario that, saved as a file, holds on the kernel.
 */
import test from 'ava';
import fc from 'fast-check';
import { planArb, toScenario, MAX_LIVE } from '../src/scenario/generate.ts';
import { formatScenarioFile } from '../src/scenario/format.ts';
import { parseScenarioText } from '../src/scenario/parse.ts';
import { compareResults } from '../src/scenario/compare.ts';
import { runScenario } from '../src/scenario/run.ts';
import { fuzz } from '../src/kernel/fuzz.ts';
import { runOnKernel } from '../src/kernel/runner.ts';
import { kernelGate } from './helpers/kernel.ts';
import { cli } from './helpers/cli.ts';

const { kernelTest, why } = await kernelGate('differential fuzzing tests', { serial: true });

test('the generator covers threads, privilege, nnp, every flag set, the insns edges, clone, exit and sync', (t) => {
  const seen = new Set<string>();
  const plans = fc.sample(planArb({ maxSteps: 12, withSync: true }), { seed: 42, numRuns: 3000 });
  for (const p of plans) {
    const s = toScenario(p, 12);
    t.true(s.steps.length <= 12);
    seen.add(`threads ${s.threads.length}`);
    seen.add(`privileged ${s.privileged}`);
    const r = runScenario(s, { design: 'separate-sync' });
    s.steps.forEach((st, i) => {
      seen.add(`op ${st.op}`);
      if (st.op === 'attach') {
        seen.add(`flags ${[...(st.flags ?? [])].sort().join('+')}`);
        seen.add(`insns ${st.insns ?? 1}`);
      }
      if (st.op === 'clone' && st.thread !== 'main') seen.add('clone from a non-leader');
      if (st.op === 'clone' && st.thread.startsWith('c')) seen.add('clone from a clone');
      if (st.op === 'exit') seen.add(st.thread === 'main' ? 'leader exit' : 'other exit');
      void r;
    });
    const merged = runScenario({ ...s, steps: s.steps.filter((x) => x.op !== 'sync') }, { design: 'merged' });
    for (const res of merged.steps) seen.add(res.result === 'error' ? `errno ${res.errno}` : res.result);
  }
  const want = [
    ...Array.from({ length: MAX_LIVE }, (_, i) => `threads ${i + 1}`),
    'privileged true', 'privileged false',
    'op set_nnp', 'op attach', 'op clone', 'op exit', 'op sync',
    ...['', 'tsync', 'tsync_esrch', 'unknown', 'tsync+tsync_esrch', 'tsync+unknown', 'tsync_esrch+unknown', 'tsync+tsync_esrch+unknown'].map((f) => `flags ${f}`),
    'insns 0', 'insns 1', 'insns 4096', 'insns 4097', 'insns 4068', 'insns 4069',
    'clone from a non-leader', 'clone from a clone', 'leader exit', 'other exit',
    'ok', 'tsync_failed', 'errno EINVAL', 'errno EACCES', 'errno ENOMEM', 'errno ESRCH',
  ];
  t.deepEqual(want.filter((w) => !seen.has(w)), [], 'everything issue 13 lists is generated');
});

test('every plan, and every plan fast-check shrinks to, is a valid scenario', (t) => {
  // toScenario ends in parseScenario, which throws on anything invalid
  fc.assert(
    fc.property(planArb({ maxSteps: 30, withSync: true }), fc.integer({ min: 0, max: 30 }), (p, k) => {
      const s = toScenario(p, k);
      return s.steps.length <= k;
    }),
    { seed: 7, numRuns: 500 },
  );
  t.pass();
});

test('a scenario file printed by the fuzzer parses back to the same scenario', (t) => {
  for (const p of fc.sample(planArb({ maxSteps: 12, withSync: false }), { seed: 3, numRuns: 50 })) {
    const s = toScenario(p, 12);
    const withExpect = { ...s, expect: runScenario(s, { design: 'merged' }) };
    const back = parseScenarioText(formatScenarioFile({ ...withExpect, description: 'found by the fuzzer' }), s.name);
    t.deepEqual(back, withExpect); // the parser keeps no description
  }
});

kernelTest(`diff --fuzz, fixed seed: 150 scenarios, model and kernel identical${why}`, async (t) => {
  const out = await fuzz({ runs: 150, seed: 20261201, maxSteps: 12, design: 'merged' });
  t.deepEqual(out.report.differences.map((d) => d.scenario), []);
  t.is(out.report.runs, 150);
  t.is(out.report.identical, 150);
  t.log(`${out.report.runs} scenarios in ${(out.elapsedMs / 1000).toFixed(1)} s (${out.notRunnable} not runnable, redrawn)`);
});

kernelTest(`the fuzzer finds a seeded bug and shrinks it to a scenario file that holds on the kernel${why}`, async (t) => {
  const out = await fuzz({ runs: 300, seed: 3, maxSteps: 12, design: 'merged', bug: 'nnp-not-spread' });
  t.is(out.report.differences.length, 1);
  const d = out.report.differences[0]!;
  t.true(d.scenario.steps.length <= 4, `shrunk to ${d.scenario.steps.length} steps`);
  t.true(out.lines[0]!.some((l) => /nnp: model false, kernel true/.test(l)));
  const saved = parseScenarioText(formatScenarioFile(d.scenario), 'saved');
  const k = await runOnKernel(saved);
  t.deepEqual(compareResults(saved.expect!, k.result, ['expected', 'kernel']), []);
  t.notDeepEqual(compareResults(saved.expect!, runScenario(saved, { design: 'merged', bug: 'nnp-not-spread' }), ['expected', 'model']), []);
});

kernelTest(`diff --fuzz --json: exactly { runs, identical, seed, differences }; exit 0${why}`, async (t) => {
  const r = await cli(['diff', '--fuzz', '10', '--seed', '5', '--json']);
  t.is(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as Record<string, unknown>;
  t.deepEqual(Object.keys(j), ['runs', 'identical', 'seed', 'differences']);
  t.deepEqual(j, { runs: 10, identical: 10, seed: 5, differences: [] });
  t.regex(r.stderr, /seed 5/);
});

kernelTest(`diff --fuzz with a seeded bug: exit 1, the difference in the JSON${why}`, async (t) => {
  const r = await cli(['diff', '--fuzz', '300', '--seed', '3', '--bug', 'nnp-not-spread', '--json']);
  t.is(r.code, 1, r.stderr);
  const j = JSON.parse(r.stdout) as { differences: { scenario: unknown; model: unknown; kernel: unknown }[] };
  t.is(j.differences.length, 1);
  t.deepEqual(Object.keys(j.differences[0]!), ['scenario', 'model', 'kernel']);
});

for (const [args, msg] of [
  [['--fuzz', '0'], /--fuzz must be an integer in 1\.\.10000000/],
  [['--fuzz', 'x'], /--fuzz must be an integer/],
  [['--fuzz', '5', '--max-steps', '0'], /--max-steps must be/],
  [['--fuzz', '5', '--seed=-1'], /--seed must be/],
  [['--fuzz', '5', 'test/scenarios'], /takes no FILE/],
  [['--fuzz', '5', '--design', 'nope'], /unknown design/],
  [['--seed', '5', 'test/scenarios'], /go with --fuzz/],
] as const) {
  test(`diff ${args.join(' ')}: one line, exit 2`, async (t) => {
    const r = await cli(['diff', ...args]);
    t.is(r.code, 2);
    t.regex(r.stderr, msg);
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  });
}
