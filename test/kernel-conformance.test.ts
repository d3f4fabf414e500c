/**
 * Ground truth: every scenario under test/scenarios/ gives the same result on
 * the model (design merged) and on the real Linux kernel, and its `expect`
 * holds on the kernel too. Where the kernel cannot run scenarios (not Linux,
 * no C compiler, no TSYNC_ESRCH, already under seccomp...) the tests are
 * skipped with the reason in their title and logged: never a silent pass. A
 * scenario here that the kernel cannot express (NotRunnableOnKernel) fails.
 *
 * Also the must-fail side: the diff must catch a seeded model bug.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { parseScenarioFile } from '../src/scenario/parse.ts';
import { compareResults, diffResults } from '../src/scenario/compare.ts';
import { runScenario } from '../src/scenario/run.ts';
import type { Scenario } from '../src/scenario/types.ts';
import { scenarioFiles } from '../src/kernel/conformance.ts';
import { NotRunnableOnKernel } from '../src/kernel/errors.ts';
import { runOnKernel } from '../src/kernel/runner.ts';
import { kernelGate } from './helpers/kernel.ts';

const DIR = fileURLToPath(new URL('scenarios/', import.meta.url));
const files = scenarioFiles([DIR]);
const { kernelTest, why } = await kernelGate('kernel conformance tests');

test('there are scenarios to compare', (t) => {
  t.true(files.length > 0, `no *.json under ${DIR}`);
});

// One kernel run per scenario, shared by the agreement test and the seeded-bug checks.
const kernelRuns = new Map<string, ReturnType<typeof runOnKernel>>();
const onKernel = (file: string, s: Scenario) => {
  if (!kernelRuns.has(file)) kernelRuns.set(file, runOnKernel(s));
  return kernelRuns.get(file)!;
};
const scenarios = files.map((file) => ({ file, s: parseScenarioFile(file) }));

for (const { file, s } of scenarios) {
  kernelTest(`model and kernel agree: ${s.name}${why}`, async (t) => {
    let k;
    try {
      k = await onKernel(file, s);
    } catch (e) {
      if (e instanceof NotRunnableOnKernel) {
        t.fail(`every file in test/scenarios must run on the kernel: ${e.message}`);
        return;
      }
      throw e;
    }
    const model = runScenario(s, { design: 'merged' });
    t.deepEqual(diffResults(model, k.result, ['model', 'kernel']), [], `${s.name}: model vs Linux ${k.release}`);
    if (s.expect) t.deepEqual(compareResults(s.expect, k.result, ['expected', 'kernel']), [], 'the expectation holds on the kernel');
  });
}

// Bugs whose effect shows without any race: the diff over the whole suite must catch each.
for (const bug of ['partial-tsync', 'nnp-not-spread', 'no-ancestor-check', 'attach-before-check'] as const) {
  kernelTest(`the diff catches seeded bug ${bug}${why}`, async (t) => {
    const caught: string[] = [];
    for (const { file, s } of scenarios) {
      const k = await onKernel(file, s).catch(() => undefined);
      if (!k) continue;
      const d = diffResults(runScenario(s, { design: 'merged', bug }), k.result, ['model', 'kernel']);
      if (d.length) caught.push(`${s.name}: ${d[0]}`);
    }
    t.log(caught.slice(0, 3).join('\n'));
    t.true(caught.length > 0, `no scenario tells ${bug} from the kernel`);
  });
}
