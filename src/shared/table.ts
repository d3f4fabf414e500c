/** Plain-text tables for the console: left-aligned first columns, numbers right-aligned. */

export interface Column {
  header: string;
  /** right-align (numbers) */
  right?: boolean;
}

export function textTable(columns: Column[], rows: string[][], indent = '  '): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((s, i) => (columns[i]!.right ? s.padStart(widths[i]!) : s.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n') + '\n';
}

/** 1234 -> 1234, 12345 -> 12.3k, 1234567 -> 1.23M */
export function fmtCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/** microseconds, three significant digits, switching to ms above 10 ms */
export function fmtUs(u: number): string {
  if (u >= 10_000) return `${(u / 1000).toFixed(1)}ms`;
  if (u >= 100) return String(Math.round(u));
  const s = u.toPrecision(3);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

export function fmtPct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** 75000 -> "1m15s", 12000 -> "12s", 300 -> "0.3s" (progress lines, ETA) */
export function fmtDuration(ms: number): string {
  if (ms < 10_000) return `${Math.round(ms / 100) / 10}s`;
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
