/**
 * The kinds of op a workload draws (the stress engine's `--mix`, explore's stress
 * workload), each an op of the one op vocabulary (`ACTOR_OPS`, ./concurrent-types.ts;
 * the sequential format's `OPS`, ./types.ts, are its kernel-runnable part), and
 * `runKind`, which runs a kind through the one op table (`runOp`, ./concurrent-ops.ts).
 *
 * A kind is an op with its flags, except one: `tsync` and `tsync_esrch` are the
 * design's "install this filter on every thread" (`Design.tsync`: attach with the TSYNC
 * flag in merged and force-compose; in separate-sync, where no such flag exists, attach
 * then sync). A scenario file spells that `attach` with `"flags": ["tsync"]` and so
 * names the kernel's call, which separate-sync refuses (EINVAL).
 */
import type { Ctx } from '../seccomp/context.ts';
import { FLAG } from '../seccomp/design.ts';
import type { ActorOpName } from './concurrent-types.ts';
import { encodeResult, runOp, type EncodedResult, type OpFacts } from './concurrent-ops.ts';

export const OP_KINDS = ['attach', 'tsync', 'tsync_esrch', 'sync', 'clone', 'exit', 'set_nnp', 'syscall', 'tsync_retry'] as const;
export type OpKind = (typeof OP_KINDS)[number];

/** Each kind's op, and for the kinds that install a filter, the attach flags (bits). */
export const KIND_OP: Readonly<Record<OpKind, { readonly op: ActorOpName; readonly flags?: number }>> = {
  attach: { op: 'attach', flags: 0 },
  tsync: { op: 'attach', flags: FLAG.TSYNC },
  tsync_esrch: { op: 'attach', flags: FLAG.TSYNC | FLAG.TSYNC_ESRCH },
  sync: { op: 'sync' },
  clone: { op: 'clone' },
  exit: { op: 'exit' },
  set_nnp: { op: 'set_nnp' },
  syscall: { op: 'syscall' },
  tsync_retry: { op: 'tsync_retry' },
};

/** The ActorOp of each kind that runOp runs as it is (one object per kind, made once). */
const AS_OP: Readonly<Record<OpKind, { op: ActorOpName }>> = Object.fromEntries(OP_KINDS.map((k) => [k, { op: KIND_OP[k].op }])) as Record<OpKind, { op: ActorOpName }>;

/**
 * Run one op of kind `kind` as task `t` (`label`: the filter's label, for the kinds that
 * install one). `facts`, if given, receives what the op did besides its result.
 */
export function runKind(ctx: Ctx, t: number, kind: OpKind, label: number, facts?: OpFacts): EncodedResult {
  const flags = KIND_OP[kind].flags;
  if (flags === undefined) return runOp(ctx, t, AS_OP[kind], label, facts);
  const req = { label, insns: 1, flags };
  return encodeResult(kind === 'attach' ? ctx.design.attach(ctx, t, req) : ctx.design.tsync(ctx, t, req));
}
