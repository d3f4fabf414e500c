/** Small flag helpers shared by commands: strict integers, turned into UsageErrors. */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../shared/usage-error.ts';
import { parseDuration } from '../stress/options.ts';

/** A decimal integer flag in lo..hi; anything else is a one-line UsageError. */
export function intFlag(flag: string, raw: string | undefined, fallback: number, lo: number, hi: number): number {
  if (raw === undefined) return fallback;
  const v = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(v) || v < lo || v > hi) throw new UsageError(`--${flag} must be an integer in ${lo}..${hi}, got "${raw}"`);
  return v;
}

/** `--timeout D` of the kernel runner: 1s..1h (the helper's alarm counts whole seconds); undefined = the default. */
export function timeoutFlag(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = parseDuration('timeout', raw);
  if (ms < 1000 || ms > 3600_000) throw new UsageError(`--timeout must be between 1s and 1h, got "${raw}"`);
  return ms;
}

/**
 * An output file flag (--json FILE, --html FILE): its folder must exist and the
 * path must not be a folder, checked now, not after minutes of running.
 */
export function checkOutputFlag(flag: string, path: string | undefined): void {
  if (path === undefined) return;
  if (path === '') throw new UsageError(`--${flag}: empty file name`);
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--${flag}: folder of "${path}" does not exist`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--${flag}: "${path}" is a folder, not a file`);
}
