/** A stress report as a JUnit suite: one testcase per run; a violation or a crash is its failure. */
import type { JunitSuite } from '../shared/junit.ts';
import { firstLine } from '../shared/junit.ts';
import { formatSummary, formatViolation, type StressReport } from './report.ts';

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
