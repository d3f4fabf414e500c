/** Small flag helpers shared by commands: strict integers, turned into UsageErrors. */
import { UsageError } from '../shared/usage-error.ts';

/** A decimal integer flag in lo..hi; anything else is a one-line UsageError. */
export function intFlag(flag: string, raw: string | undefined, fallback: number, lo: number, hi: number): number {
  if (raw === undefined) return fallback;
  const v = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(v) || v < lo || v > hi) throw new UsageError(`--${flag} must be an integer in ${lo}..${hi}, got "${raw}"`);
  return v;
}
