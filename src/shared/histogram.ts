/**
 * The one shape of latency histogram the lab uses (nanoseconds, 3 significant
 * digits, up to 100 s), so histograms from workers, runs and repeats can be added.
 */
import * as hdr from 'hdr-histogram-js';

export function newLatencyHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 1e11, numberOfSignificantValueDigits: 3 });
}
