/**
 * The test cases of each command's report, for the JUnit writer (xml.ts): one
 * per stress run, experiment cell or scenario. A new command adds one function
 * here that maps its report to JunitCase[] (explore: one per schedule search,
 * litmus: one per test with a forbidden outcome as the failure).
 */
import { formatSummary, formatViolation, type StressReport } from '../stress/report.ts';
import { statusMark } from '../experiment/console.ts';
import type { ExperimentResult } from '../experiment/types.ts';
import type { ExploreRun } from '../explore/command.ts';
import { exploreFinding, formatExplore } from '../explore/format.ts';
import type { LitmusReport } from '../litmus/run.ts';
import { formatLitmus } from '../litmus/format.ts';
import type { JunitCase, JunitSuite } from './xml.ts';

const firstLine = (s: string) => s.split('\n')[0] ?? '';

/** The one-line summary of a stress report's finding, or null when it is clean. */
export function stressFinding(r: StressReport): string | null {
  if (r.crash?.length) return `crash: worker ${r.crash[0]!.worker} during ${r.crash[0]!.op}: ${firstLine(r.crash[0]!.message)}`;
  const v = r.violations[0];
  if (v) return `${r.violationCount} violation${r.violationCount > 1 ? 's' : ''}, first ${v.kind}: ${firstLine(v.message)}`;
  return r.violationCount > 0 ? `${r.violationCount} violation(s)` : null;
}

export function stressSuite(r: StressReport, command = 'tsync-lab stress'): JunitSuite {
  const c = r.config;
  const finding = stressFinding(r);
  const body = [...r.violations.map(formatViolation), ...(r.crash ?? []).map((x) => `CRASH worker ${x.worker} during ${x.op}: ${x.message}\n${x.stack}\n`), formatSummary(r)].join('\n');
  const name = `stress design=${c.design}${c.bug ? ` bug=${c.bug}` : ''} scope=${c.scope} seed=${r.seed}`;
  return {
    name: 'tsync-lab stress',
    properties: { command, seed: r.seed, design: c.design, scope: c.scope, locks: Object.entries(c.locks).map(([k, v]) => `${k}=${v}`).join(' ') },
    cases: [{ name, classname: 'tsync-lab.stress', time: r.durationMs / 1000, ...(finding ? { failure: { message: finding, body } } : {}) }],
  };
}

export function experimentSuite(x: ExperimentResult): JunitSuite {
  const cases: JunitCase[] = x.cells.map((c) => {
    const time = c.runs.reduce((a, r) => a + r.durationMs, 0) / 1000;
    const name = `#${c.index + 1} ${c.label}`;
    if (c.summary.status === 'clean') return { name, classname: 'tsync-lab.experiment', time };
    const bad = c.runs.filter((r) => r.violationCount > 0 || r.crash !== null);
    const r0 = bad[0]!;
    const message = `${statusMark(c)}: ${r0.crash ?? firstLine(r0.violations[0]?.message ?? '')}`;
    const body = [
      `cell ${c.index + 1} (${c.label}): ${statusMark(c)}`,
      ...bad.flatMap((r) => [`run ${r.repeat + 1}, seed ${r.seed}: ${r.violationCount} violation(s)${r.crash ? `, crash: ${r.crash}` : ''}`, ...r.violations.map((v) => `  ${v.kind}: ${v.message.replace(/\n/g, '\n    ')}`), `  replay: ${c.replay} --seed ${r.seed}`]),
    ].join('\n');
    return { name, classname: 'tsync-lab.experiment', time, failure: { message, body } };
  });
  return {
    name: `tsync-lab experiment${x.preset ? ` --preset ${x.preset}` : ''}`,
    time: x.elapsedMs / 1000,
    properties: { command: x.command, baseSeed: x.baseSeed, repeat: x.repeat, durationMs: x.durationMs, ...(x.shard ? { shard: `${x.shard.index}/${x.shard.total}` } : {}) },
    cases,
  };
}

/** One scenario of `diff` (and so of `npm run conformance`). */
export interface DiffEntry {
  file: string;
  name: string;
  status: 'identical' | 'different' | 'not_runnable';
  differences: string[];
  reason?: string;
}

export function diffSuite(entries: DiffEntry[], meta: { design: string; kernel: string }): JunitSuite {
  return {
    name: 'tsync-lab diff',
    properties: { design: meta.design, kernel: meta.kernel },
    cases: entries.map((e): JunitCase => {
      const base = { name: `${e.name} (${e.file})`, classname: 'tsync-lab.diff' };
      if (e.status === 'not_runnable') return { ...base, skipped: e.reason ?? 'not runnable on the kernel' };
      if (e.status === 'identical') return base;
      return {
        ...base,
        failure: {
          message: `${e.differences.length} difference(s) between the model (design ${meta.design}) and Linux ${meta.kernel}: ${firstLine(e.differences[0] ?? '')}`,
          body: `scenario ${e.name} (${e.file}): model (design ${meta.design}) vs kernel (Linux ${meta.kernel})\n${e.differences.map((d) => `  ${d}`).join('\n')}\n`,
        },
      };
    }),
  };
}

/** One explore search (a FILE, or the stress workload): a found violation or forbidden outcome is the failure; the body is the printed report (schedule, tables, minimal schedule). */
export function exploreSuite(run: ExploreRun, file: string | undefined, command: string): JunitSuite {
  const r = run.report;
  const w = run.world;
  const finding = exploreFinding(r);
  const name = `explore ${run.what} design=${w.design}${w.bug ? ` bug=${w.bug}` : ''} scope=${w.scope} seed=${run.seed}`;
  return {
    name: 'tsync-lab explore',
    properties: { command, seed: run.seed, design: w.design, scope: w.scope, locks: Object.entries(w.plan).map(([k, v]) => `${k}=${v}`).join(' '), iterations: r.iterations },
    cases: [{ name, classname: 'tsync-lab.explore', time: r.elapsedMs / 1000, ...(finding ? { failure: { message: finding, body: `${formatExplore(r, file)}\n` } } : {}) }],
  };
}

/** One litmus file: its report, or null when its designs exclude the design (a skipped testcase). */
export interface LitmusEntry {
  path: string;
  name: string;
  design: string | null;
  report: LitmusReport | null;
  /** why it did not run */
  skipped?: string;
}

/** The one-line summary of a litmus file's failure, or null when it passed. */
export function litmusFinding(r: LitmusReport): string | null {
  const forbidden = r.outcomes.filter((o) => o.expect === 'forbidden');
  const n = forbidden.reduce((x, o) => x + o.count, 0);
  if (r.violations.length) {
    const v = r.violations[0]!;
    return `${r.violations.length} violation kind(s), first ${v.kind}: ${firstLine(v.message)}${n ? `; ${n} forbidden sample(s)` : ''}`;
  }
  return n ? `${n} forbidden sample(s) of ${r.samples}: ${forbidden[0]!.outcome}` : null;
}

export function litmusSuite(entries: LitmusEntry[], meta: { command: string; seed: number; bug: string | null; locks?: Record<string, string> }): JunitSuite {
  return {
    name: 'tsync-lab litmus',
    properties: { command: meta.command, seed: meta.seed, ...(meta.bug ? { bug: meta.bug } : {}), ...(meta.locks ? { locks: Object.entries(meta.locks).map(([k, v]) => `${k}=${v}`).join(' ') } : {}) },
    cases: entries.map((e): JunitCase => {
      const base = { name: `${e.name} (${e.path})${e.design ? ` design=${e.design}` : ''}`, classname: 'tsync-lab.litmus' };
      if (!e.report || !e.design) return { ...base, skipped: e.skipped ?? 'not run' };
      const finding = litmusFinding(e.report);
      return { ...base, time: e.report.durationMs / 1000, ...(finding ? { failure: { message: finding, body: `${formatLitmus(e.name, e.path, e.design, e.report)}\n` } } : {}) };
    }),
  };
}
