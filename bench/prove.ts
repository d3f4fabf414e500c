/**
 * `npm run bench:prove`: what `locks --prove` costs per built-in kind, at 2 actors x 2
 * acquisitions (median of --runs runs, unbounded), 3 x 1 and 3 x 2 (one run each, bounded
 * by --budget executions): executions (Mazurkiewicz traces), whether the search was
 * exhaustive, time, and executions/s. A benchmark, not a test: note the load average.
 *   node --import tsx bench/prove.ts [--runs N] [--budget N] [--kinds LIST] [--json FILE]
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { writeJsonAtomic } from '../src/shared/json-file.ts';
import { intFlag } from '../src/shared/flags.ts';
import { median } from '../src/shared/stats.ts';
import { proveLock } from '../src/explore/prove/prove.ts';

const { values } = parseArgs({ options: { runs: { type: 'string' }, budget: { type: 'string' }, kinds: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log('usage: npm run bench:prove -- [--runs N] [--budget N] [--kinds tas,ttas,...] [--json FILE]');
  process.exit(0);
}
const runs = intFlag('runs', values.runs, 3, 1, 25);
const budget = intFlag('budget', values.budget, 20000, 10, 1e7);
const kinds = (values.kinds ?? 'tas,ttas,ticket,mcs,rw,futex,adaptive').split(',');

interface Row {
  kind: string;
  threads: number;
  acquisitions: number;
  traces: number;
  exhaustive: boolean;
  cutBy: string | null;
  medianMs: number;
  executionsPerSec: number;
  holds: boolean;
}
const rows: Row[] = [];
process.stderr.write(`bench:prove: load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
for (const kind of kinds) {
  for (const [threads, acquisitions, reps] of [
    [2, 2, runs],
    [3, 1, 1],
    [3, 2, 1],
  ] as const) {
    const times: number[] = [];
    let last;
    for (let i = 0; i < reps; i++) {
      last = await proveLock(kind, { threads, acquisitions, maxExecutions: threads === 2 ? undefined : budget });
      times.push(last.elapsedMs);
    }
    const ms = median(times);
    const row: Row = {
      kind,
      threads,
      acquisitions,
      traces: last!.traces,
      exhaustive: last!.exhaustive,
      cutBy: last!.cutBy,
      medianMs: Math.round(ms),
      executionsPerSec: Math.round((last!.traces + last!.blocked + last!.sleepBlocked) / (ms / 1000)),
      holds: last!.properties.every((p) => p.status !== 'broken'),
    };
    rows.push(row);
    process.stderr.write(`bench:prove: ${kind} ${threads}x${acquisitions} ${row.traces} traces${row.exhaustive ? '' : ` (cut: ${row.cutBy})`} ${row.medianMs} ms\n`);
  }
}
const head = ['kind', 'actors x acq', 'executions', 'exhaustive', 'time ms', 'executions/s', 'properties'];
const table = rows.map((r) => [r.kind, `${r.threads}x${r.acquisitions}`, String(r.traces), r.exhaustive ? 'yes' : `no (${r.cutBy})`, String(r.medianMs), String(r.executionsPerSec), r.holds ? 'hold' : 'BROKEN']);
const w = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
console.log(`locks --prove per built-in kind (2x2: median of ${runs} runs; 3x1 and 3x2: one run, budget ${budget} executions); load average ${loadavg()[0]!.toFixed(2)}`);
for (const r of [head, w.map((x) => '-'.repeat(x)), ...table]) console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  '));
if (values.json) await writeJsonAtomic(values.json, rows);
