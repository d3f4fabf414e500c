/**
 * `npm run bench:explore`: for every seeded bug, the schedules explore needs to find
 * it on the stress workload (no scenario file) with random, PCT and DFS (median over
 * seeds, capped), then schedules per second on the 3-actor test
 * (test/concurrent/tsync_vs_clone_vs_exit.json: DFS, median of several runs), then per
 * concurrent file and design: the schedules of exhaustive DFS with 2 preemptions beside
 * DPOR's traces, executions cut by sleep sets, outcomes, executions/s and the time to
 * exhaust (median of --runs runs; the same session, so worker start-up is not counted),
 * then the 3-actor file under dpor with every lock's own code (the default) beside
 * --grant-locks (runs alternating, medians): traces and executions/s of each mode.
 *   node --import tsx bench/explore.ts [--part all|bugs|dpor] [--runs N] [--seeds N] [--cap N] [--threads N] [--ops K] [--json FILE]
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { BUGS, bugDesigns } from '../src/seccomp/bug-registry.ts';
import { DEFAULT_LOCK_PLAN } from '../src/locks/kinds.ts';
import { writeJsonAtomic } from '../src/shared/json-file.ts';
import { intFlag } from '../src/shared/flags.ts';
import { median } from '../src/shared/stats.ts';
import { Session } from '../src/explore/session.ts';
import { ScenarioWorkload, StressWorkload } from '../src/explore/workloads.ts';
import { search } from '../src/explore/explore.ts';
import { DfsStrategy } from '../src/explore/strategies/dfs.ts';
import { readConcurrentFile } from '../src/scenario/concurrent-parse.ts';
import type { StrategyName } from '../src/explore/strategies/index.ts';
import { DESIGN_NAMES } from '../src/seccomp/designs/index.ts';
import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';

const { values } = parseArgs({
  options: { part: { type: 'string' }, runs: { type: 'string' }, seeds: { type: 'string' }, cap: { type: 'string' }, threads: { type: 'string' }, ops: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean' } },
});
if (values.help) {
  console.log('usage: npm run bench:explore -- [--part all|bugs|dpor] [--runs N] [--seeds N] [--cap N] [--threads N] [--ops K] [--json FILE]');
  process.exit(0);
}
const part = values.part ?? 'all';
if (!['all', 'bugs', 'dpor'].includes(part)) {
  console.error(`--part: all | bugs | dpor, got "${part}"`);
  process.exit(2);
}
const runs = intFlag('runs', values.runs, 3, 1, 20);
const seeds = intFlag('seeds', values.seeds, 3, 1, 50);
const cap = intFlag('cap', values.cap, 5000, 10, 1e7);
const threads = intFlag('threads', values.threads, 3, 2, 4);
const ops = intFlag('ops', values.ops, 3, 1, 8);
const STRATEGIES: StrategyName[] = ['random', 'pct', 'dfs'];

type Row = { bug: string; design: string; counts: Record<string, number | null>; kinds: string[] };
const rows: Row[] = [];
let rate = 0;
if (part !== 'dpor') {
  for (const bug of BUGS) {
    const designs = bugDesigns(bug).map((d) => d.name);
    const design = designs.includes('merged') ? 'merged' : designs[0]!;
    const session = await Session.open(new StressWorkload(threads, ops), { design, bug: bug.name, scope: 'siglock', plan: DEFAULT_LOCK_PLAN });
    const counts: Record<string, number | null> = {};
    const kinds = new Set<string>();
    try {
      for (const strategy of STRATEGIES) {
        const n: number[] = [];
        let misses = 0;
        // DFS is deterministic for a given op seed: its seeds vary the ops
        for (let i = 0; i < seeds; i++) {
          const r = await search(session, { strategy, iterations: cap, preemptions: 2, depth: 3, seed: 1 + i, shrink: false });
          if (r.found) {
            n.push(r.iterations);
            kinds.add(r.violation!.kind);
          } else misses++;
          process.stderr.write(`\r${bug.name} ${strategy} seed ${1 + i}: ${r.found ? `${r.iterations} schedules` : 'not found'}\x1b[K`);
        }
        counts[strategy] = misses > seeds / 2 ? null : median([...n, ...Array<number>(misses).fill(Infinity)]);
      }
    } finally {
      await session.close();
    }
    rows.push({ bug: bug.name, design, counts, kinds: [...kinds] });
  }
  process.stderr.write('\r\x1b[K');
  console.log(`schedules to find each seeded bug on the stress workload (${threads} threads, ${ops} ops each): median over ${seeds} seeds, cap ${cap} (— = not found within the cap on most seeds)`);
  console.log(`${'bug'.padEnd(24)} ${'design'.padEnd(14)} ${STRATEGIES.map((s) => s.padStart(8)).join(' ')}   found as`);
  const show = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : String(Math.round(v)));
  for (const r of rows) console.log(`${r.bug.padEnd(24)} ${r.design.padEnd(14)} ${STRATEGIES.map((s) => show(r.counts[s]).padStart(8)).join(' ')}   ${r.kinds.join(', ')}`);

  // throughput on the 3-actor test: DFS executions per second, workers reused, buffer reset by snapshot copy
  const FILE = fileURLToPath(new URL('../test/concurrent/tsync_vs_clone_vs_exit.json', import.meta.url));
  const session = await Session.open(new ScenarioWorkload(readConcurrentFile(FILE)), { design: 'merged', bug: null, scope: 'siglock', plan: DEFAULT_LOCK_PLAN });
  const rates: number[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      const dfs = new DfsStrategy(2, 5000, 1);
      const t0 = performance.now();
      let n = 0;
      while (session.run(dfs)) n++;
      rates.push((n * 1000) / (performance.now() - t0));
    }
  } finally {
    await session.close();
  }
  rate = median(rates);
  console.log(`schedules/s on the 3-actor test (tsync_vs_clone_vs_exit, dfs, 5000 schedules x 5 runs): median ${Math.round(rate)}/s (min ${Math.round(Math.min(...rates))}, max ${Math.round(Math.max(...rates))})`);
}

// DPOR against DFS (P=2), per concurrent file and design
type DporRow = { file: string; design: string; dfsP2: number; traces: number; sleepBlocked: number; outcomes: number; ms: number; perSecond: number; exhaustive: boolean };
const dporRows: DporRow[] = [];
if (part !== 'bugs') {
  const DIR = fileURLToPath(new URL('../test/concurrent/', import.meta.url));
  const load0 = loadavg();
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.json')).sort()) {
    const cf = readConcurrentFile(DIR + f);
    for (const design of cf.scenario.designs ?? DESIGN_NAMES) {
      const session = await Session.open(new ScenarioWorkload(cf), { design, bug: null, scope: 'siglock', plan: DEFAULT_LOCK_PLAN });
      try {
        const dfs = new DfsStrategy(2, 1e7, 1);
        let dfsP2 = 0;
        while (session.run(dfs)) dfsP2++;
        const times: number[] = [];
        let last = null;
        for (let i = 0; i < runs; i++) {
          last = await search(session, { strategy: 'dpor', iterations: 1e9, preemptions: 0, depth: 3, seed: 1, shrink: false });
          times.push(last.elapsedMs);
        }
        const r = last!;
        const ms = median(times);
        dporRows.push({ file: f.replace(/\.json$/, ''), design, dfsP2, traces: r.traces, sleepBlocked: r.sleepBlocked, outcomes: r.outcomes.length, ms, perSecond: ((r.traces + r.sleepBlocked) * 1000) / ms, exhaustive: r.exhaustive });
        process.stderr.write(`\r${f} ${design}: ${r.traces} traces in ${Math.round(ms)} ms\x1b[K`);
      } finally {
        await session.close();
      }
    }
  }
  process.stderr.write('\r\x1b[K');
  const load1 = loadavg();
  console.log(`dpor vs dfs (P=2) per concurrent file and design; time to exhaust: median of ${runs} run(s) on one session; load average ${load0.map((x) => x.toFixed(1)).join(' ')} at the start, ${load1.map((x) => x.toFixed(1)).join(' ')} at the end`);
  console.log(`| file | design | DFS (P=2) schedules | DPOR traces | cut by sleep sets | outcomes | time to exhaust | executions/s |`);
  console.log(`|---|---|---:|---:|---:|---:|---:|---:|`);
  for (const r of dporRows) console.log(`| ${r.file} | ${r.design} | ${r.dfsP2} | ${r.traces}${r.exhaustive ? '' : ' (not exhaustive)'} | ${r.sleepBlocked} | ${r.outcomes} | ${(r.ms / 1000).toFixed(2)} s | ${Math.round(r.perSecond)} |`);
}
// real lock code (the default) against --grant-locks on the 3-actor file: dpor, runs alternating, medians
type LockCodeRow = { mode: 'real' | 'granted'; traces: number; sleepBlocked: number; ms: number; perSecond: number };
const lockCodeRows: LockCodeRow[] = [];
if (part !== 'bugs') {
  const FILE = fileURLToPath(new URL('../test/concurrent/tsync_vs_clone_vs_exit.json', import.meta.url));
  const cf = readConcurrentFile(FILE);
  const load0 = loadavg();
  const sessions = {
    real: await Session.open(new ScenarioWorkload(cf), { design: 'merged', bug: null, scope: 'siglock', plan: DEFAULT_LOCK_PLAN }),
    granted: await Session.open(new ScenarioWorkload(cf), { design: 'merged', bug: null, scope: 'siglock', plan: DEFAULT_LOCK_PLAN, grantLocks: true }),
  };
  const times: Record<'real' | 'granted', number[]> = { real: [], granted: [] };
  const last: Partial<Record<'real' | 'granted', { traces: number; sleepBlocked: number }>> = {};
  try {
    for (let i = 0; i < runs; i++)
      for (const mode of ['real', 'granted'] as const) {
        const r = await search(sessions[mode], { strategy: 'dpor', iterations: 1e9, preemptions: 0, depth: 3, seed: 1, shrink: false });
        times[mode].push(r.elapsedMs);
        last[mode] = { traces: r.traces, sleepBlocked: r.sleepBlocked };
      }
  } finally {
    await sessions.real.close();
    await sessions.granted.close();
  }
  for (const mode of ['real', 'granted'] as const) {
    const ms = median(times[mode]);
    const l = last[mode]!;
    lockCodeRows.push({ mode, traces: l.traces, sleepBlocked: l.sleepBlocked, ms, perSecond: ((l.traces + l.sleepBlocked) * 1000) / ms });
  }
  console.log(`lock code on tsync_vs_clone_vs_exit (dpor, ${runs} run(s) each, alternating, medians; load ${load0.map((x) => x.toFixed(1)).join(' ')} -> ${loadavg().map((x) => x.toFixed(1)).join(' ')}):`);
  for (const r of lockCodeRows) console.log(`  ${r.mode === 'real' ? "every lock's own code (default)" : 'locks granted (--grant-locks)  '}: ${r.traces} traces + ${r.sleepBlocked} cut, ${(r.ms / 1000).toFixed(2)} s, ${Math.round(r.perSecond)} executions/s`);
}
if (values.json) writeJsonAtomic(values.json, { threads, ops, seeds, cap, rows, schedulesPerSecond: rate, dpor: dporRows, lockCode: lockCodeRows, loadavg: loadavg() });
