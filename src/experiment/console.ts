/**
 * The console report of an experiment: a table per varied axis (medians and
 * min–max over every run with that value), then one row per cell. Cells whose
 * checkers fired are marked, since their numbers measure a broken design.
 */
import { textTable, fmtCount, fmtUs, fmtPct, fmtDuration, type Column } from '../shared/table.ts';
import type { CellResult, ExperimentResult, Stat } from './types.ts';
import { retryTable } from './retry-table.ts';

/** the lock roles a design choice is about (arena and pidmap are lab plumbing) */
export const DESIGN_ROLES = ['siglock', 'tasklist', 'cred_guard', 'threadgroup'] as const;

const range = (s: Stat, f: (n: number) => string) => (s.min === s.max ? f(s.median) : `${f(s.median)} [${f(s.min)}–${f(s.max)}]`);

/** roles that were taken at all somewhere in the matrix */
function activeRoles(cells: CellResult[]): string[] {
  return DESIGN_ROLES.filter((role) => cells.some((c) => c.runs.some((r) => (r.locks[role]?.acquisitions ?? 0) > 0)));
}

/** other processes using more than this share of the machine's CPUs disturbed a run */
export const OTHER_CPU_LIMIT = 0.1;

function busyRuns(x: ExperimentResult): number {
  return x.cells.reduce((a, c) => a + c.runs.filter((r) => (r.otherCpu ?? 0) > OTHER_CPU_LIMIT).length, 0);
}

export function statusMark(c: CellResult): string {
  const s = c.summary;
  if (s.status === 'crashed') return 'CRASHED';
  if (s.status === 'violations') return `VIOLATIONS x${s.violationCount} (${s.violationKinds.join(', ')})`;
  return 'ok';
}

function axisTables(x: ExperimentResult, roles: string[]): string {
  const out: string[] = [];
  for (const axis of x.axes) {
    const rows = x.byAxis[axis.name] ?? [];
    const columns: Column[] = [
      { header: axis.name },
      { header: 'runs', right: true },
      { header: 'ops/s', right: true },
      { header: 'tsync/s', right: true },
      { header: 'tsync p99 us', right: true },
      ...roles.map((r) => ({ header: `${r} cont.`, right: true })),
      { header: 'violations', right: true },
    ];
    const body = rows.map((r) => [
      r.value,
      String(r.runs),
      range(r.opsPerSecond, fmtCount),
      range(r.tsyncPerSecond, fmtCount),
      r.tsyncP99Us ? range(r.tsyncP99Us, fmtUs) : '-',
      ...roles.map((role) => (r.contentionRate[role] ? range(r.contentionRate[role], fmtPct) : '-')),
      String(r.violationCount),
    ]);
    out.push(`by ${axis.name} (median [min–max] over the runs with that value):\n` + textTable(columns, body));
  }
  return out.join('\n');
}

function cellTable(x: ExperimentResult, roles: string[]): string {
  const columns: Column[] = [
    { header: '#', right: true },
    ...x.axes.map((a) => ({ header: a.name })),
    { header: 'ops/s', right: true },
    { header: 'tsync/s', right: true },
    { header: 'p50 us', right: true },
    { header: 'p90 us', right: true },
    { header: 'p99 us', right: true },
    { header: 'max us', right: true },
    ...roles.map((r) => ({ header: `${r} cont./wait`, right: true })),
    { header: 'fair', right: true },
    { header: 'status' },
  ];
  const body = x.cells.map((c) => {
    const s = c.summary;
    const l = s.latency;
    return [
      String(c.index + 1),
      ...x.axes.map((a) => c.coords[a.name] ?? ''),
      range(s.opsPerSecond, fmtCount),
      range(s.opsPerSecondByKind['tsync'] ?? { median: 0, min: 0, max: 0 }, fmtCount),
      l ? fmtUs(l.p50Us) : '-',
      l ? fmtUs(l.p90Us) : '-',
      l ? fmtUs(l.p99Us) : '-',
      l ? fmtUs(l.maxUs) : '-',
      ...roles.map((role) => {
        const k = s.locks[role];
        return k ? `${fmtPct(k.contentionRate.median)} / ${fmtUs(k.maxWaitUs)}` : '-';
      }),
      s.fairness.minMaxRatio.median.toFixed(2),
      statusMark(c),
    ];
  });
  return `cells (median [min–max] over ${x.repeat} repeat${x.repeat > 1 ? 's' : ''}; latency from the merged HDR histograms; cont. = contention rate, wait = longest wait in us; fair = min/max ops per worker):\n` + textTable(columns, body);
}

export function formatExperiment(x: ExperimentResult): string {
  const roles = activeRoles(x.cells);
  const parts = [
    `experiment${x.preset ? ` --preset ${x.preset}` : ''}: ${x.cells.length} cell${x.cells.length === 1 ? '' : 's'} x ${x.repeat} repeat${x.repeat > 1 ? 's' : ''} x ${fmtDuration(x.durationMs)}, ${x.host.cpus} cpus, base seed ${x.baseSeed}, took ${fmtDuration(x.elapsedMs)}${x.interrupted ? ' (INTERRUPTED: partial)' : ''}\n`,
  ];
  if (x.axes.length) parts.push(axisTables(x, roles));
  parts.push(cellTable(x, roles));
  const retry = retryTable(x);
  if (retry) parts.push(retry);
  const loaded = busyRuns(x);
  if (loaded) parts.push(`note: ${loaded} of ${x.cells.reduce((a, c) => a + c.runs.length, 0)} runs shared the machine: other processes used more than ${OTHER_CPU_LIMIT * 100}% of its CPUs meanwhile, so their numbers are suspect (JSON: runs[].otherCpu)\n`);
  const bad = x.cells.filter((c) => c.summary.status !== 'clean');
  for (const c of bad) {
    const r = c.runs.find((q) => q.violationCount > 0 || q.crash !== null)!;
    parts.push(`cell ${c.index + 1} (${c.label}): ${statusMark(c)}: ${r.crash ?? r.violations[0]?.message.split('\n')[0] ?? ''}\n  replay: ${c.replay} --seed ${r.seed}\n`);
  }
  return parts.join('\n');
}
