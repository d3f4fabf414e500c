/**
 * `npm run fuzz:cli -- [--runs 10000] [--seed S] [--max-time D]`: the CLI property test at volume
 * (test/helpers/cli-property.ts). Prints its seed, progress, the counts by command
 * and exit code, and the first (shrunk) failure if any (exit 1). --max-time stops
 * early (a clean stop: the counts say how many ran).
 */
import { parseArgs } from 'node:util';
import { checkCli } from './helpers/cli-property.ts';
import { intFlag, parseDuration } from '../src/shared/flags.ts';
import { randomSeed } from '../src/shared/rng.ts';

const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' }, 'max-time': { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log('usage: npm run fuzz:cli -- [--runs 10000] [--seed S] [--max-time 30m]');
  process.exit(0);
}
const runs = intFlag('runs', values.runs, 10_000, 1, 10_000_000);
const seed = intFlag('seed', values.seed, randomSeed(), 0, 0x7fffffff);
const maxTimeMs = values['max-time'] === undefined ? undefined : parseDuration('max-time', values['max-time']);
const say = (s: string) => process.stderr.write(s + '\n');
say(`fuzz:cli: ${runs} generated command lines, seed ${seed} (replay with --seed ${seed})`);
let last = performance.now();
const out = await checkCli({
  runs,
  seed,
  ...(maxTimeMs === undefined ? {} : { maxTimeMs }),
  onProgress: (done) => {
    if (performance.now() - last < 5000) return;
    last = performance.now();
    say(`  ${done}/${runs}`);
  },
});
console.log(`${out.runs} cases, ${(out.elapsedMs / 1000).toFixed(0)} s; by command ${JSON.stringify(out.byCommand)}; by exit ${JSON.stringify(out.byExit)}; seconds by command ${JSON.stringify(out.secondsByCommand)}`);
if (out.failure) {
  console.log(out.failure);
  process.exitCode = 1;
} else console.log(`every case: exit 0/1/2, one error line, no stack trace, no hang${out.runs < runs ? ` (stopped by --max-time after ${out.runs} of ${runs})` : ''}`);
