/** A litmus run as a JUnit suite: one testcase per file; a forbidden outcome or a violation is its failure, a skipped file is skipped. */
import { firstLine, type JunitCase, type JunitSuite } from '../shared/junit.ts';
import type { LitmusReport } from './run.ts';
import { formatLitmus } from './format.ts';

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
