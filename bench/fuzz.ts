/**
 * `npm run bench:fuzz`: differential fuzzing at volume (diff --fuzz), in scenarios
 * per second: --rounds rounds of --runs scenarios (seeds 1..rounds), the median
 * round, and side by side what one scenario costs on each side (the model alone,
 * the kernel helper alone) over the same scenarios.
 *   npm run bench:fuzz -- [--runs 2000] [--rounds 5] [--max-steps 12]
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { fuzz } from '../src/kernel/fuzz.ts';
import { kernelAvailability, runOnKernel } from '../src/kernel/runner.ts';
import { planArb, toScenario } from '../src/scenario/generate.ts';
import { runScenario } from '../src/scenario/run.ts';
import { intFlag } from '../src/shared/flags.ts';
import { median } from '../src/shared/stats.ts';

const { values } = parseArgs({ options: { runs: { type: 'string' }, rounds: { type: 'string' }, 'max-steps': { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log('usage: npm run bench:fuzz -- [--runs 2000] [--rounds 5] [--max-steps 12]');
  process.exit(0);
}
const runs = intFlag('runs', values.runs, 2000, 1, 1_000_000);
const rounds = intFlag('rounds', values.rounds, 5, 1, 100);
const maxSteps = intFlag('max-steps', values['max-steps'], 12, 1, 1000);
const avail = await kernelAvailability();
if (!avail.ok) {
  console.log(`bench:fuzz skipped: the real kernel cannot run scenarios here: ${avail.reason}`);
  process.exit(0);
}
console.log(`bench:fuzz: ${rounds} rounds of diff --fuzz ${runs} --max-steps ${maxSteps} (seeds 1..${rounds}), model design merged vs Linux ${avail.release}`);
const rates: number[] = [];
let differences = 0;
for (let seed = 1; seed <= rounds; seed++) {
  const out = await fuzz({ runs, seed, maxSteps, design: 'merged' });
  const rate = out.report.runs / (out.elapsedMs / 1000);
  rates.push(rate);
  differences += out.report.differences.length;
  console.log(`  seed ${seed}: ${out.report.identical}/${out.report.runs} identical, ${out.notRunnable} redrawn, ${(out.elapsedMs / 1000).toFixed(1)} s, ${rate.toFixed(0)} scenarios/s`);
}
console.log(`median: ${median(rates).toFixed(0)} scenarios/s (model + kernel + compare), ${differences} difference(s) in ${runs * rounds} scenarios`);

// the two sides alone, over the same 300 scenarios
const sample = fc.sample(planArb({ maxSteps, withSync: false }), { seed: 99, numRuns: 300 }).map((p) => toScenario(p, maxSteps));
let t = performance.now();
for (const s of sample) runScenario(s, { design: 'merged' });
const modelMs = (performance.now() - t) / sample.length;
t = performance.now();
let ran = 0;
for (const s of sample) {
  try {
    await runOnKernel(s);
    ran++;
  } catch {
    /* not runnable: not timed */
  }
}
const kernelMs = (performance.now() - t) / Math.max(1, ran);
console.log(`per scenario, same ${sample.length} scenarios: model ${modelMs.toFixed(2)} ms | kernel helper ${kernelMs.toFixed(2)} ms (a fresh process each) | ratio kernel/model ${(kernelMs / modelMs).toFixed(1)}x`);
