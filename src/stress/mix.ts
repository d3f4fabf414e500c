/**
 * The op mix of a stress run: weights per op kind (../scenario/op-kinds.ts), `--mix attach=1,tsync=4,...`.
 */
import { UsageError } from '../shared/usage-error.ts';
import type { Design } from '../seccomp/design.ts';
import { OP_KINDS, type OpKind } from '../scenario/op-kinds.ts';

export type Mix = Record<OpKind, number>;

/**
 * Defaults keep TSYNC both succeeding and failing often: private attaches make
 * threads diverge, exits and clones churn the groups, syscalls walk chains.
 * `tsync_retry` (off by default) starts the design's caller loop on a thread
 * (src/stress/retry.ts): its later ops are the loop's attempts.
 */
export const DEFAULT_MIX: Mix = { attach: 1, tsync: 4, tsync_esrch: 1, sync: 0, clone: 3, exit: 3, set_nnp: 1, syscall: 6, tsync_retry: 0 };
/** designs with a separate sync op: no TSYNC_ESRCH flag, and some plain syncs. */
export const SEPARATE_SYNC_MIX: Mix = { ...DEFAULT_MIX, tsync_esrch: 0, sync: 2 };

export function defaultMix(design: Design): Mix {
  return design.hasSyncOp ? { ...SEPARATE_SYNC_MIX } : { ...DEFAULT_MIX };
}

/**
 * Named mixes (`--mix NAME`, or NAME followed by overrides: `--mix kernel-race,syscall=6`).
 * kernel-race: the shape of the real-kernel race check (`kernel --race`): one attacher
 * TSYNCs (half with TSYNC_ESRCH), threads are cloned and exit all along, every thread
 * probes its chain, nobody attaches privately. Run it as one process of 8 threads
 * (`--groups 1 --threads 8..8`) to compare with `kernel --race --threads 8`.
 */
export const NAMED_MIXES: Record<string, string> = {
  'kernel-race': 'attach=0,tsync=4,tsync_esrch=4,sync=0,clone=2,exit=2,set_nnp=1,syscall=4',
};

/** Parse `attach=1,tsync=4` (or a named mix first); unspecified kinds keep `base`'s weights. */
export function parseMix(text: string, base: Mix): Mix {
  const mix = { ...base };
  const parts = text.split(',').filter(Boolean);
  const named = parts[0] !== undefined ? NAMED_MIXES[parts[0].trim()] : undefined;
  if (named !== undefined) parts.splice(0, 1, ...named.split(','));
  for (const part of parts) {
    const m = /^([a-z_]+)=(\d+(?:\.\d+)?)$/.exec(part.trim());
    if (!m) throw new UsageError(`bad --mix entry "${part}"; expected KIND=WEIGHT (kinds: ${OP_KINDS.join(', ')}) or a named mix first (${Object.keys(NAMED_MIXES).join(', ')})`);
    if (!(OP_KINDS as readonly string[]).includes(m[1]!)) throw new UsageError(`unknown op kind "${m[1]}" in --mix; kinds: ${OP_KINDS.join(', ')}`);
    mix[m[1] as OpKind] = Number(m[2]);
  }
  if (OP_KINDS.every((k) => mix[k] === 0)) throw new UsageError('--mix: every weight is zero');
  return mix;
}

export function formatMix(mix: Mix): string {
  return OP_KINDS.filter((k) => mix[k] > 0)
    .map((k) => `${k}=${mix[k]}`)
    .join(',');
}

/** Cumulative table for fast weighted choice. */
export function cumulative(mix: Mix): Float64Array {
  const c = new Float64Array(OP_KINDS.length);
  let sum = 0;
  OP_KINDS.forEach((k, i) => {
    sum += mix[k];
    c[i] = sum;
  });
  for (let i = 0; i < c.length; i++) c[i]! /= sum;
  return c;
}
