/**
 * The schedule string: everything needed to replay one execution, compact and
 * shell-safe. A header of strategy-independent facts, then the choices:
 *
 *   ts1:f=3fa9c2e1b07d:d=merged:b=clone-copy-early:sc=siglock:s=1:n=212:h=9a3f01cc:v=escape:c=GhAx
 *
 *   f=    the scenario file's hash (or w=stress.<threads>.<ops>, w=probe.<name>.<k>.<actors>)
 *   d= b= sc=  design, seeded bug (- = none), lock scope
 *   s=    seed of the workload's generator (op choices of the stress workload)
 *   n= h= steps and FNV-1a hash of the full event trace (the replay compares them)
 *   v=    the failure it reproduces (- = none)
 *   c=    the decisions that deviate from the non-preemptive default, as base64url varints
 *         of (step delta << 3 | actor)
 */
import { UsageError } from '../shared/usage-error.ts';
import type { Deviation } from './strategies/deviations.ts';

export interface Schedule {
  /** "f=<hash>" or "w=..." */
  workload: string;
  design: string;
  bug: string | null;
  scope: string;
  seed: number;
  steps: number;
  hash: number;
  failure: string | null;
  deviations: Deviation[];
  /** true: found with --grant-locks (the scheduler granted locks); absent from schedules printed before lock code was explored: granted */
  grantLocks: boolean;
}

function varints(values: number[]): Buffer {
  const out: number[] = [];
  for (let v of values) {
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
  }
  return Buffer.from(out);
}

function unvarints(b: Buffer): number[] {
  const out: number[] = [];
  let v = 0;
  let mul = 1;
  for (const byte of b) {
    v += (byte & 0x7f) * mul;
    if (byte & 0x80) mul *= 128;
    else {
      out.push(v);
      v = 0;
      mul = 1;
    }
  }
  if (mul !== 1) throw new Error('truncated');
  return out;
}

export function encodeSchedule(s: Schedule): string {
  let prev = 0;
  const vals = s.deviations.map((d) => {
    const v = (d.step - prev) * 8 + d.actor;
    prev = d.step;
    return v;
  });
  return [
    'ts1',
    s.workload,
    `d=${s.design}`,
    `b=${s.bug ?? '-'}`,
    `sc=${s.scope}`,
    `s=${s.seed >>> 0}`,
    `n=${s.steps}`,
    `h=${(s.hash >>> 0).toString(16).padStart(8, '0')}`,
    `v=${s.failure ?? '-'}`,
    `lc=${s.grantLocks ? 'granted' : 'real'}`,
    `c=${varints(vals).toString('base64url')}`,
  ].join(':');
}

export function decodeSchedule(text: string): Schedule {
  const bad = (why: string): never => {
    throw new UsageError(`schedule: ${why} (expected a string printed by explore, "ts1:...")`);
  };
  const parts = text.trim().split(':');
  if (parts[0] !== 'ts1') bad('unknown format');
  const f: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    const i = p.indexOf('=');
    if (i <= 0) bad(`bad field "${p}"`);
    f[p.slice(0, i)] = p.slice(i + 1);
  }
  const workload = f.f !== undefined ? `f=${f.f}` : f.w !== undefined ? `w=${f.w}` : bad('no f= or w= field');
  for (const key of ['d', 'b', 'sc', 's', 'n', 'h', 'v', 'c']) if (f[key] === undefined) bad(`missing field ${key}=`);
  const num = (key: string, radix = 10) => {
    const v = parseInt(f[key]!, radix);
    if (!Number.isFinite(v) || v < 0) bad(`bad ${key}= value "${f[key]}"`);
    return v;
  };
  let vals: number[] = [];
  try {
    vals = unvarints(Buffer.from(f.c!, 'base64url'));
  } catch {
    bad('bad c= choices');
  }
  let step = 0;
  const deviations = vals.map((v) => {
    step += Math.floor(v / 8);
    return { step, actor: v % 8 };
  });
  return { workload, design: f.d!, bug: f.b === '-' ? null : f.b!, scope: f.sc!, seed: num('s') | 0, steps: num('n'), hash: num('h', 16), failure: f.v === '-' ? null : f.v!, deviations, grantLocks: f.lc !== 'real' };
}

/** FNV-1a over the trace words. */
export function traceHash(trace: Int32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < trace.length; i++) {
    h ^= trace[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
