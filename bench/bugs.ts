/**
 * `npm run bench:bugs`: for every seeded bug, time-to-detect on real threads over
 * several seeds (median, max) and the mutation score (caught / total).
 *   node --import tsx bench/bugs.ts [--seeds N] [--budget 10s] [--json FILE]
 */
import { parseArgs } from 'node:util';
import { runStress } from '../src/stress/run.ts';
import { stressConfigFrom } from '../src/stress/options.ts';
import { writeJsonAtomic } from '../src/shared/json-file.ts';
import { BUGS } from '../src/seccomp/bug-registry.ts';
import { intFlag, parseDuration } from '../src/shared/flags.ts';
import { median } from '../src/shared/stats.ts';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '5' }, budget: { type: 'string', default: '10s' }, json: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log('usage: npm run bench:bugs -- [--seeds N] [--budget 10s] [--json FILE]');
  process.exit(0);
}
const seeds = intFlag('seeds', values.seeds, 5, 1, 100);
const budget = parseDuration('budget', values.budget!);

const rows: { bug: string; caught: number; runs: number; medianMs: number; maxMs: number; kinds: string[] }[] = [];
for (const bug of BUGS) {
  const times: number[] = [];
  const kinds = new Set<string>();
  let caught = 0;
  for (let i = 0; i < seeds; i++) {
    const cfg = stressConfigFrom({ bug: bug.name, duration: `${budget}ms`, workers: '2', groups: '2', 'audit-every': '250ms', seed: String(1000 + i), 'stop-on': bug.catches.join(',') });
    const r = await runStress(cfg);
    const hit = r.violations.find((v) => (bug.catches as string[]).includes(v.kind));
    if (hit) {
      caught++;
      times.push(hit.atMs !== undefined && r.firstViolationMs !== null ? r.firstViolationMs + (hit.atMs - Math.min(...r.violations.map((v) => v.atMs ?? Infinity))) : r.durationMs);
      kinds.add(hit.kind);
    }
    process.stderr.write(`\r${bug.name} seed ${cfg.seed}: ${hit ? `${hit.kind} after ${times[times.length - 1]} ms` : 'not caught'}\x1b[K`);
  }
  rows.push({ bug: bug.name, caught, runs: seeds, medianMs: median(times), maxMs: times.length ? Math.max(...times) : NaN, kinds: [...kinds] });
}
process.stderr.write('\r\x1b[K');
console.log('time-to-detect: from the start of the run (all workers released together) to the first violation of an expected kind');
console.log(`${'bug'.padEnd(24)} caught   median    max   caught as`);
for (const r of rows) console.log(`${r.bug.padEnd(24)} ${`${r.caught}/${r.runs}`.padStart(6)} ${`${Math.round(r.medianMs)}ms`.padStart(8)} ${`${Math.round(r.maxMs)}ms`.padStart(7)}   ${r.kinds.join(', ')}`);
const score = rows.filter((r) => r.caught === r.runs).length;
console.log(`mutation score: ${score}/${rows.length} bugs caught on every seed (${rows.filter((r) => r.caught > 0).length}/${rows.length} on at least one); median time-to-detect over bugs ${Math.round(median(rows.map((r) => r.medianMs)))} ms`);
if (values.json) writeJsonAtomic(values.json, { score, total: rows.length, rows });
