/**
 * Each design's caller loop, "install this filter on every thread, retrying until it
 * holds", as the 2014 thread wrote it for that design (reference §5, the debate):
 *
 *   separate-sync  attach to self once; then `while (sync fails) wait / kill the tid`
 *   merged         `while (attach with TSYNC fails) wait / kill the tid`
 *   force-compose  one call, which does not fail on divergence
 *
 * One attempt is one call here; the loop itself (its state between attempts, the
 * retry limit, the kill policy, the figures) is the stress engine's
 * (src/stress/retry.ts), so other threads run between attempts. The attempt is an
 * overridable operation (`ctx.ops.retryAttempt`): a seeded bug may get the loop's
 * success test wrong.
 */
import type { Ctx } from './context.ts';
import { FLAG } from './design.ts';
import type { OpResult } from './errors.ts';
import { nodeLabel, nodePrev } from './filter.ts';
import { exitingLocked, forEachThread, groupOf, headLocked, setNnp, tidOf } from './task.ts';

export interface CallerLoop {
  /** what the caller writes, one line (docs, --help) */
  readonly code: string;
  /** false: the design's call is made once, a failure is final (nothing to wait for) */
  readonly retries: boolean;
  /** attempt number `n` (1-based) of installing filter `label` as task `t` */
  attempt(ctx: Ctx, t: number, label: number, n: number): OpResult;
}

/** prctl(PR_SET_NO_NEW_PRIVS) comes first in every caller's code (unprivileged) */
function firstCall(ctx: Ctx, t: number, n: number): void {
  if (n === 1) setNnp(ctx, t);
}

const byTsyncFlag: CallerLoop = {
  code: 'while (seccomp(SET_MODE_FILTER, TSYNC, prog) != 0) wait or kill(tid)',
  retries: true,
  attempt(ctx, t, label, n) {
    firstCall(ctx, t, n);
    return ctx.design.attach(ctx, t, { label, insns: 1, flags: FLAG.TSYNC });
  },
};

export const CALLER_LOOPS: Readonly<Record<string, CallerLoop>> = {
  merged: byTsyncFlag,
  'separate-sync': {
    code: 'seccomp(SET_MODE_FILTER, 0, prog); while (sync() != 0) wait or kill(tid)',
    retries: true,
    attempt(ctx, t, label, n) {
      firstCall(ctx, t, n);
      if (n > 1) return ctx.design.sync(ctx, t); // retrying adds no filter
      const r = ctx.design.attach(ctx, t, { label, insns: 1, flags: 0 });
      return r.ok ? ctx.design.sync(ctx, t) : r;
    },
  },
  'force-compose': { ...byTsyncFlag, code: 'seccomp(SET_MODE_FILTER, TSYNC, prog) (once: divergent threads get it composed)', retries: false },
};

export function callerLoopOf(design: string): CallerLoop {
  const l = CALLER_LOOPS[design];
  if (!l) throw new Error(`design ${design} has no caller loop in src/seccomp/retry.ts`);
  return l;
}

/** The correct operation: one attempt of the design's caller loop. */
export function retryAttempt(ctx: Ctx, t: number, label: number, n: number): OpResult {
  return callerLoopOf(ctx.design.name).attempt(ctx, t, label, n);
}

/** What a successful loop left on the group's chains. */
export interface RetryOutcome {
  /** nodes labelled with the loop's filter on the caller's chain (1 unless retries piled up) */
  callerAdded: number;
  /** the same, summed over the other live threads */
  othersAdded: number;
  /** other live (not exiting) threads */
  others: number;
  /** the most such nodes on one other thread */
  othersMax: number;
  /** other threads whose copy is a node of its own (force-compose's composed node) */
  composed: number;
  /** tid of the first live thread without the filter (0: the postcondition holds) */
  missing: number;
}

/** Nodes with `label` on the chain from `head`, and the newest of them. */
function labelled(ctx: Ctx, head: number, label: number): { n: number; newest: number } {
  let n = 0;
  let newest = 0;
  let bound = ctx.L.cfg.maxFilters + 1;
  for (let c = head; c !== 0 && --bound > 0; c = nodePrev(ctx, c)) {
    if (nodeLabel(ctx, c) !== label) continue;
    if (n++ === 0) newest = c;
  }
  return { n, newest };
}

/**
 * After the loop reported success: every live thread of the caller's group carries
 * the loop's filter (a thread keeps a filter once it has it, and clones inherit it,
 * so this holds at any later point too); a thread without it is a
 * `tsync-postcondition` violation when checking. Also counts what the loop added.
 * Takes the group's siglock.
 */
export function checkRetryDone(ctx: Ctx, t: number, label: number): RetryOutcome {
  const g = groupOf(ctx, t);
  return ctx.lock(ctx.L.siglock(g), () => {
    const mine = labelled(ctx, headLocked(ctx, t), label);
    const out: RetryOutcome = { callerAdded: mine.n, othersAdded: 0, others: 0, othersMax: 0, composed: 0, missing: mine.n === 0 ? tidOf(ctx, t) : 0 };
    forEachThread(ctx, g, (th) => {
      if (th === t || exitingLocked(ctx, th)) return;
      const l = labelled(ctx, headLocked(ctx, th), label);
      out.others++;
      out.othersAdded += l.n;
      out.othersMax = Math.max(out.othersMax, l.n);
      if (l.n > 0 && l.newest !== mine.newest) out.composed++;
      if (l.n === 0 && out.missing === 0) out.missing = tidOf(ctx, th);
    });
    if (out.missing !== 0 && ctx.checking) {
      const who = out.missing === tidOf(ctx, t) ? 'the caller itself' : `thread ${out.missing}`;
      ctx.violation('tsync-postcondition', `${ctx.design.name} caller loop of thread ${tidOf(ctx, t)} reported success, but ${who} lacks its filter ${label}`, [...new Set([tidOf(ctx, t), out.missing])], [headLocked(ctx, t)]);
    }
    return out;
  });
}

/** The task of thread `tid` in `t`'s group, or 0. Under siglock (firstThread asserts it). */
export function threadByTid(ctx: Ctx, g: number, tid: number): number {
  let found = 0;
  forEachThread(ctx, g, (th) => {
    if (tidOf(ctx, th) !== tid) return true;
    found = th;
    return false;
  });
  return found;
}
