/** Small flag helpers shared by commands: strict integers, turned into UsageErrors. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../shared/usage-error.ts';

/** An output file's folder must exist now, not after minutes of running. */
export function checkOutputFolder(flag: string, path: string | undefined): void {
  if (path !== undefined && !existsSync(dirname(resolve(path)))) throw new UsageError(`--${flag}: folder of "${path}" does not exist`);
}

/** A decimal integer flag in lo..hi; anything else is a one-line UsageError. */
export function intFlag(flag: string, raw: string | undefined, fallback: number, lo: number, hi: number): number {
  if (raw === undefined) return fallback;
  const v = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(v) || v < lo || v > hi) throw new UsageError(`--${flag} must be an integer in ${lo}..${hi}, got "${raw}"`);
  return v;
}
