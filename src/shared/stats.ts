/** Summaries of repeated measurements. */

/** Median (mean of the middle two for an even count); NaN for no samples. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** Nanoseconds per operation for `ops` operations that took `ms` milliseconds. */
export function nsPer(ms: number, ops: number): number {
  return (ms * 1e6) / ops;
}
