/**
 * A TSYNC design: how attach (with its flags) and the separate `sync` op behave.
 * clone, exit, syscall entry and set_nnp are common to every design.
 * Adding a design is adding a file under designs/ and a line in designs/index.ts.
 */
import type { Ctx } from './context.ts';
import { fail, type OpResult } from './errors.ts';
import type { OpName } from './ops.ts';

/** seccomp(2) filter flags the model knows (uapi values). */
export const FLAG = { TSYNC: 1 << 0, TSYNC_ESRCH: 1 << 4 } as const;
export const KNOWN_FLAGS = FLAG.TSYNC | FLAG.TSYNC_ESRCH;

export interface AttachRequest {
  /** label id of the new filter */
  label: number;
  /** program length, 1..4096 */
  insns: number;
  /** FLAG bits; any other bit is unknown (EINVAL) */
  flags: number;
}

export interface Design {
  readonly name: string;
  readonly summary: string;
  /** seccomp(SECCOMP_SET_MODE_FILTER, flags, prog) by task `t` */
  attach(ctx: Ctx, t: number, req: AttachRequest): OpResult;
  /** the separate sync op (separate-sync only; others answer EINVAL) */
  sync(ctx: Ctx, t: number): OpResult;
  /** whether `sync` exists (the stress engine's default mix includes it then) */
  readonly hasSyncOp: boolean;
  /**
   * "Install this filter on every thread", the design's way: attach with the TSYNC
   * flags in `req` (merged, force-compose), or attach then sync (separate-sync).
   */
  tsync(ctx: Ctx, t: number, req: AttachRequest): OpResult;
  /**
   * The overridable operations (src/seccomp/ops.ts) this design's code calls: a
   * seeded bug applies to the designs that use an operation it replaces.
   */
  readonly uses: readonly OpName[];
}

/** Operations every design uses (clone and exit are common to all, and each design has a caller loop). */
export const COMMON_OPS: readonly OpName[] = ['copyProcess', 'copySeccomp', 'exitSignalsAndRelease', 'releaseTask', 'retryAttempt'];

/** `tsync` for designs where it is attach with the TSYNC flag. */
export function tsyncByFlag(this: Design, ctx: Ctx, t: number, req: AttachRequest): OpResult {
  return this.attach(ctx, t, req);
}

/** `sync` for designs without a separate sync op. */
export function noSync(): OpResult {
  return fail('EINVAL');
}
