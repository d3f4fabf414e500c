/**
 * `npm run bench:stress`: simulated rates, and what TSYNC costs.
 *  0. kernel-race: the lab's successful TSYNC/s on the kernel-race mix (one process of
 *     8 threads, every checker and lockdep on) against `kernel --race --threads 8` on
 *     this machine, and their ratio: medians of --runs each, measured alternately
 *  1. ops/s by kind, 2 workers, at 2, 8 and 32 threads per group (median of --runs)
 *  2. the same run with and without lockdep (its cost), side by side
 *  3. TSYNC cost vs threads per group (up to 1024) and vs chain depth (up to 1000),
 *     measured on the model in one thread (no contention)
 *  4. the real kernel's TSYNC/s and clone+exit/s on this machine, if it can be run
 *   node --import tsx bench/stress.ts [--runs 3] [--duration 2s] [--only kernel-race] [--json FILE]
 */
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runStress } from '../src/stress/run.ts';
import { stressConfigFrom } from '../src/stress/options.ts';
import { writeJsonAtomic } from '../src/shared/json-file.ts';
import { intFlag, parseDuration } from '../src/shared/flags.ts';
import { median } from '../src/shared/stats.ts';
import { Layout } from '../src/shared/layout.ts';
import { makeCtx } from '../src/seccomp/world.ts';
import { ListReporter } from '../src/seccomp/violations.ts';
import { createProcess } from '../src/seccomp/process.ts';
import { setNnp } from '../src/seccomp/task.ts';
import { FLAG } from '../src/seccomp/design.ts';
import { raceShapeForThreads, runKernelRace } from '../src/kernel/race.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, duration: { type: 'string', default: '2s' }, only: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log('usage: npm run bench:stress -- [--runs N] [--duration 2s] [--only kernel-race] [--json FILE]');
  process.exit(0);
}
if (values.only !== undefined && values.only !== 'kernel-race') {
  console.error(`bench:stress: --only takes kernel-race, not "${values.only}"`);
  process.exit(2);
}
const runs = intFlag('runs', values.runs, 3, 1, 20);
const duration = parseDuration('duration', values.duration!);
const out: Record<string, unknown> = {};

// 0: the like-for-like comparison with the real kernel
{
  const lab: number[] = [];
  const kern: number[] = [];
  let kernelWhy: string | null = null;
  for (let i = 0; i < runs; i++) {
    const r = await runStress(stressConfigFrom({ duration: `${duration}ms`, groups: '1', threads: '8..8', mix: 'kernel-race', seed: String(21 + i) }));
    if (r.violations.length) throw new Error(`kernel-race run ${i + 1}: ${r.violations[0]!.kind}: ${r.violations[0]!.message}`);
    lab.push(Math.round(r.tsync.ok / (r.durationMs / 1000)));
    if (kernelWhy === null) {
      try {
        const k = await runKernelRace({ durationMs: duration, ...raceShapeForThreads(8), esrch: true });
        if (k.violationCount) throw new Error(`kernel race: ${k.violationCount} violations`);
        kern.push(k.tsyncPerSec);
      } catch (e) {
        kernelWhy = (e as Error).message.split('\n')[0]!;
      }
    }
    process.stderr.write(`\rkernel-race run ${i + 1}/${runs}: lab ${lab[i]} TSYNC ok/s, kernel ${kern[i] ?? '-'}/s\x1b[K`);
  }
  process.stderr.write('\r\x1b[K');
  const labM = median(lab);
  const kernM = kern.length ? median(kern) : NaN;
  console.log(`kernel-race (one process of 8 threads; medians of ${runs} runs of ${duration} ms, alternating)`);
  console.log(`  lab   stress --mix kernel-race --groups 1 --threads 8..8 (2 workers, every checker, lockdep on): ${labM} successful TSYNC/s  [${lab.join(', ')}]`);
  if (kernelWhy !== null) console.log(`  kernel: not available here (${kernelWhy})`);
  else {
    console.log(`  kernel  kernel --race --threads 8: ${kernM} TSYNC/s  [${kern.join(', ')}]`);
    console.log(`  ratio lab/kernel: ${(labM / kernM).toFixed(2)}x`);
  }
  out.kernelRace = { lab, kernel: kern, labMedian: labM, kernelMedian: kern.length ? kernM : null, ratio: kern.length ? labM / kernM : null };
}
if (values.only === 'kernel-race') {
  if (values.json) writeJsonAtomic(values.json, out);
  process.exit(0);
}

// 1 + 2: simulated rates
const rateRows: { threads: number; lockdep: boolean; opsPerSecond: number; byKind: Record<string, number>; tsyncPerSecond: number; cloneExitPerSecond: number }[] = [];
for (const threads of [2, 8, 32]) {
  for (const lockdep of [true, false]) {
    const samples: { ops: number; byKind: Record<string, number>; tsync: number; ce: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const v: Record<string, string | boolean> = { duration: `${duration}ms`, workers: '2', groups: '4', threads: `${threads}..${threads}`, seed: String(7 + i) };
      if (!lockdep) v['no-lockdep'] = true;
      const r = await runStress(stressConfigFrom(v));
      const s = r.durationMs / 1000;
      samples.push({
        ops: r.opsPerSecond,
        byKind: Object.fromEntries(Object.entries(r.ops).map(([k, n]) => [k, Math.round(n / s)])),
        tsync: Math.round((r.ops.tsync! + r.ops.tsync_esrch!) / s),
        ce: Math.round((r.clone.ok + r.exits) / s),
      });
      process.stderr.write(`\rthreads ${threads} lockdep ${lockdep} run ${i + 1}/${runs}: ${r.opsPerSecond} ops/s\x1b[K`);
    }
    // the run nearest the median stands for the cell (its per-kind rates belong together)
    const m = median(samples.map((y) => y.ops));
    const mid = samples.reduce((a, b) => (Math.abs(b.ops - m) < Math.abs(a.ops - m) ? b : a));
    rateRows.push({ threads, lockdep, opsPerSecond: mid.ops, byKind: mid.byKind, tsyncPerSecond: mid.tsync, cloneExitPerSecond: mid.ce });
  }
}
process.stderr.write('\r\x1b[K');
console.log('simulated rates, 2 workers, 4 groups (median of %d runs of %d ms)', runs, duration);
console.log('threads/group  lockdep     ops/s   tsync/s  clone+exit/s   syscall/s');
for (const r of rateRows) console.log(`${String(r.threads).padStart(13)}  ${(r.lockdep ? 'on' : 'off').padStart(7)} ${String(r.opsPerSecond).padStart(9)} ${String(r.tsyncPerSecond).padStart(9)} ${String(r.cloneExitPerSecond).padStart(13)} ${String(r.byKind.syscall ?? 0).padStart(11)}`);
for (const t of [2, 8, 32]) {
  const on = rateRows.find((r) => r.threads === t && r.lockdep)!;
  const off = rateRows.find((r) => r.threads === t && !r.lockdep)!;
  console.log(`lockdep cost at ${t} threads/group: ${((1 - on.opsPerSecond / off.opsPerSecond) * 100).toFixed(1)}% of throughput`);
}
out.rates = rateRows;

// 2b: focused mixes, the fair comparison with the kernel race check (one kind of work at a time)
const focused: { name: string; mix: string; perSecond: number }[] = [];
for (const [name, mix, kinds] of [
  ['tsync only', 'tsync=20,set_nnp=1', ['tsync']],
  ['clone+exit only', 'clone=1,exit=1', ['clone', 'exit']],
] as const) {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runStress(stressConfigFrom({ duration: `${duration}ms`, workers: '2', groups: '4', threads: '2..8', mix, seed: String(11 + i) }));
    samples.push(Math.round(kinds.reduce((a, k) => a + (r.ops[k] ?? 0), 0) / (r.durationMs / 1000)));
  }
  focused.push({ name, mix, perSecond: median(samples) });
}
console.log('\nfocused mixes (2 workers, 4 groups, 2..8 threads, lockdep on)');
for (const f of focused) console.log(`  ${f.name.padEnd(16)} ${String(f.perSecond).padStart(9)} /s   (--mix ${f.mix})`);
out.focused = focused;

// 3: TSYNC cost on the model, one thread, no contention
function tsyncCost(threads: number, depth: number): number {
  // fresh worlds, few TSYNCs each: every TSYNC adds a node, so a long loop would measure a deeper chain
  const perWorld = 20;
  const worlds = Math.max(5, Math.min(200, Math.round(20_000 / (threads * perWorld))));
  const samples: number[] = [];
  for (let w = 0; w < worlds; w++) {
    const L = new Layout({ maxTasks: threads + 2, maxFilters: depth + perWorld + 8, groups: 1, workers: 1, ringSize: 64, extraLocks: 0, scratchWords: 0 });
    const m = L.create();
    const ctx = makeCtx(m, 0, { design: 'merged', reporter: new ListReporter(), checking: false });
    const ts = createProcess(ctx, { group: 0, threads, privileged: false })!;
    const caller = ts[0]!;
    setNnp(ctx, caller);
    let label = 1;
    // every sibling sits on the root; the caller's chain is `depth` deep above it
    ctx.design.attach(ctx, caller, { label: label++, insns: 1, flags: FLAG.TSYNC });
    for (let i = 1; i < depth; i++) ctx.design.attach(ctx, caller, { label: label++, insns: 1, flags: 0 });
    const t0 = performance.now();
    for (let n = 0; n < perWorld; n++) if (ctx.design.attach(ctx, caller, { label: label++, insns: 1, flags: FLAG.TSYNC }).ok !== true) throw new Error('TSYNC failed in the cost benchmark');
    samples.push(((performance.now() - t0) * 1e3) / perWorld); // µs per TSYNC
  }
  return median(samples);
}
for (let i = 0; i < 3; i++) tsyncCost(8, 10); // warm the JIT up before timing
const byThreads = [2, 8, 32, 128, 512, 1024].map((t) => ({ threads: t, usPerTsync: Math.round(tsyncCost(t, 1) * 100) / 100 }));
const byDepth = [1, 10, 100, 1000].map((d) => ({ depth: d, usPerTsync: Math.round(tsyncCost(8, d) * 100) / 100 }));
console.log('\nTSYNC cost on the model (one thread, no contention, checkers off)');
console.log('threads/group  us/TSYNC        chain depth (8 threads)  us/TSYNC');
for (let i = 0; i < Math.max(byThreads.length, byDepth.length); i++) {
  const a = byThreads[i];
  const b = byDepth[i];
  console.log(`${a ? String(a.threads).padStart(13) + String(a.usPerTsync).padStart(10) : ' '.repeat(23)}        ${b ? String(b.depth).padStart(17) + String(b.usPerTsync).padStart(10) : ''}`);
}
out.tsyncCost = { byThreads, byDepth };

// 4: the real kernel, side by side (if the kernel runner is available here)
try {
  const bin = fileURLToPath(new URL('../bin/tsync-lab.mjs', import.meta.url));
  const k = JSON.parse(execFileSync(process.execPath, [bin, 'kernel', '--race', '--duration', '2s', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as Record<string, number>;
  out.kernel = k;
  const sim = rateRows.find((r) => r.threads === 8 && r.lockdep)!;
  const ft = focused[0]!.perSecond;
  const fc = focused[1]!.perSecond;
  const kt = k.tsyncPerSec ?? NaN;
  const kc = k.cloneExitPerSec ?? NaN;
  console.log('\nreal kernel (`kernel --race`, same machine) vs the simulation');
  console.log(`  TSYNC/s       kernel ${Math.round(kt)}   simulated: default mix ${sim.tsyncPerSecond} (${(sim.tsyncPerSecond / kt).toFixed(1)}x), tsync-only mix ${ft} (${(ft / kt).toFixed(1)}x)`);
  console.log(`  clone+exit/s  kernel ${Math.round(kc)}   simulated: default mix ${sim.cloneExitPerSecond} (${(sim.cloneExitPerSecond / kc).toFixed(1)}x), clone+exit-only mix ${fc} (${(fc / kc).toFixed(1)}x)`);
} catch (e) {
  console.log(`\nreal kernel rates: not available here (${((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split('\n')[0]})`);
}
if (values.json) writeJsonAtomic(values.json, out);
