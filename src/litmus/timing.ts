/**
 * Did the actors race? The timing part of a litmus report: of the measured samples
 * (one copy in MEASURE_EVERY is timestamped), how many had the actors' ops overlap in
 * time, and how far apart the ops started. Below RACING_MIN_OVERLAP_PCT the actors
 * mostly ran one after the other (a loaded machine deschedules one of them, or the
 * starts drifted apart): the histogram then records the order in which the OS ran
 * them, not a race, and the report says so in words (console and JSON).
 */

/** Below this share of measured samples with overlapping ops, a run is not called a race. */
export const RACING_MIN_OVERLAP_PCT = 50;

export interface LitmusTiming {
  /** samples whose ops were timestamped */
  measured: number;
  /** of those, the percentage whose actors' op intervals intersected (0.1 resolution) */
  overlapPct: number;
  /** mean spread of the actors' op starts, microseconds (0.01 resolution) */
  startSpreadUs: number;
  /** overlapPct >= RACING_MIN_OVERLAP_PCT */
  racing: boolean;
  /** null when racing; else why the frequencies are not race frequencies, in one sentence */
  note: string | null;
}

/** The timing summary from the counts: `overlapFraction` of `measured` samples overlapped. */
export function timingOf(measured: number, overlapFraction: number, meanSpreadUs: number): LitmusTiming {
  const overlapPct = measured > 0 ? Math.round(overlapFraction * 1000) / 10 : 0;
  const startSpreadUs = measured > 0 ? Math.round(meanSpreadUs * 100) / 100 : 0;
  const racing = measured > 0 && overlapFraction * 100 >= RACING_MIN_OVERLAP_PCT;
  let note: string | null = null;
  if (measured === 0) note = 'no sample was timed, so nothing says the ops overlapped: the frequencies may record scheduling order, not races';
  else if (!racing)
    note =
      `the ops overlapped in only ${overlapPct}% of ${measured} timed samples (under ${RACING_MIN_OVERLAP_PCT}%): ` +
      'the actors mostly ran one after the other (a loaded machine?), so these frequencies record scheduling order, not races';
  return { measured, overlapPct, startSpreadUs, racing, note };
}
