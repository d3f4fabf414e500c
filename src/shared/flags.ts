/**
 * Flag values shared by every command and engine: strict integers, durations,
 * probabilities, output files. Every bad value is a one-line UsageError.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './usage-error.ts';

/** A decimal integer flag in lo..hi; anything else is a one-line UsageError. */
export function intFlag(flag: string, raw: string | undefined, fallback: number, lo: number, hi: number): number {
  if (raw === undefined) return fallback;
  const v = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(v) || v < lo || v > hi) throw new UsageError(`--${flag} must be an integer in ${lo}..${hi}, got "${raw}"`);
  return v;
}

/** "10s", "500ms", "2m", "1.5s" -> ms */
export function parseDuration(flag: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim());
  if (!m) throw new UsageError(`--${flag}: bad duration "${raw}" (examples: 500ms, 10s, 2m)`);
  const v = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
  if (v <= 0 || v > 24 * 3600_000) throw new UsageError(`--${flag}: duration out of range: "${raw}"`);
  return Math.round(v);
}

export function parseProbability(flag: string, raw: string): number {
  const p = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(p) || p < 0 || p > 1) throw new UsageError(`--${flag} must be a probability in 0..1, got "${raw}"`);
  return p;
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
