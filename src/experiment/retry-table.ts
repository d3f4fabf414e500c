/**
 * The console table of the caller loops (`tsync_retry`), one row per cell that had
 * any: what a caller of each design experiences until every thread carries its
 * filter. A design whose one call divergence cannot fail says so instead of zeros.
 */
import { textTable, fmtCount, fmtUs, fmtPct, type Column } from '../shared/table.ts';
import type { ExperimentResult } from './types.ts';

export const CANNOT_FAIL = 'cannot fail';

export function retryTable(x: ExperimentResult): string | null {
  const cells = x.cells.filter((c) => c.summary.retry);
  if (!cells.length) return null;
  const columns: Column[] = [
    { header: '#', right: true },
    ...x.axes.map((a) => ({ header: a.name })),
    { header: 'loops', right: true },
    { header: 'ok', right: true },
    { header: 'gave up', right: true },
    { header: 'attempts p50/p99', right: true },
    { header: 'to success p50 us', right: true },
    { header: 'p99 us', right: true },
    { header: 'filters/success caller, each other', right: true },
    { header: 'composed', right: true },
  ];
  const body = cells.map((c) => {
    const r = c.summary.retry!;
    const a = r.attemptsPerSuccess;
    const t = r.timeToSuccess;
    const p = r.perSuccess;
    return [
      String(c.index + 1),
      ...x.axes.map((ax) => c.coords[ax.name] ?? ''),
      fmtCount(r.loops.started),
      fmtCount(r.loops.succeeded),
      r.canFail ? fmtPct(r.giveUpRate) : r.giveUpRate > 0 ? `${fmtPct(r.giveUpRate)} (errors)` : CANNOT_FAIL,
      r.canFail ? (a ? `${a.p50}/${a.p99}` : '-') : `1 (${CANNOT_FAIL})`,
      t ? fmtUs(t.p50Us) : '-',
      t ? fmtUs(t.p99Us) : '-',
      p ? `${p.callerFilters}, ${p.otherThreadFilters} (max ${p.otherThreadFiltersMax})` : '-',
      p ? String(p.composedThreads) : '-',
    ];
  });
  return (
    'caller loops (tsync_retry; all repeats pooled: histograms merged, gave up = (after the limit or on an error) / loops that ended; ' +
    'filters/success = nodes with the loop\'s filter on the caller and on each other live thread; composed = threads per success given a composed node):\n' +
    textTable(columns, body)
  );
}
