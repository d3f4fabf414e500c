/**
 * Online checkers that run inside model operations, under the same lock hold as
 * the step they check: TSYNC atomicity (a failed TSYNC changed nothing), the TSYNC
 * postcondition, and no-escape at join. They report through ctx.violation.
 */
import { GROUP } from '../shared/layout.ts';
import type { Ctx } from './context.ts';
import { chainHasLabel, fmtNode, nodeLabel } from './filter.ts';
import { forEachThread, groupAt, headOf, isExiting, modeOf, nnpOf, tidOf, filterCountOf } from './task.ts';

/** One thread's seccomp state (for atomicity comparisons). */
interface ThreadSnap {
  t: number;
  head: number;
  mode: number;
  nnp: boolean;
  count: number;
}

/** Expects siglock held. */
export function snapshotGroup(ctx: Ctx, g: number): ThreadSnap[] {
  const out: ThreadSnap[] = [];
  forEachThread(ctx, g, (t) => {
    out.push({ t, head: headOf(ctx, t), mode: modeOf(ctx, t), nnp: nnpOf(ctx, t), count: filterCountOf(ctx, t) });
  });
  return out;
}

/** A failed TSYNC must leave every thread of the group, caller included, unchanged. */
export function checkUnchanged(ctx: Ctx, g: number, before: ThreadSnap[], why: string): void {
  const after = snapshotGroup(ctx, g);
  const byT = new Map(after.map((s) => [s.t, s]));
  for (const b of before) {
    const a = byT.get(b.t);
    if (!a) continue; // exited meanwhile (only possible when the section was not one lock hold)
    // nnp is left out: a thread may set its own (an atomic flag, no siglock) meanwhile
    if (a.head !== b.head || a.mode !== b.mode) {
      const tid = tidOf(ctx, b.t);
      ctx.violation(
        'tsync-atomicity',
        `${why}: failed TSYNC changed thread ${tid} (head ${fmtNode(b.head)} -> ${fmtNode(a.head)}, mode ${b.mode} -> ${a.mode}, nnp ${b.nnp} -> ${a.nnp})`,
        [tid],
        [b.head, a.head],
      );
      return;
    }
  }
}

/**
 * After a successful TSYNC: every non-exiting thread has the new filter (`exact`:
 * as its head; otherwise a node with its label at the head, for force-compose) and
 * nnp if the caller had it. Records the group's last TSYNC for the escape checker.
 * Expects siglock held.
 */
export function checkTsyncDone(ctx: Ctx, g: number, caller: number, head: number, exact: boolean): void {
  const label = nodeLabel(ctx, head);
  const callerNnp = nnpOf(ctx, caller);
  forEachThread(ctx, g, (t) => {
    if (isExiting(ctx, t)) return;
    const h = headOf(ctx, t);
    const ok = exact ? h === head : h !== 0 && nodeLabel(ctx, h) === label;
    if (!ok) {
      ctx.violation('tsync-postcondition', `thread ${tidOf(ctx, t)} does not have the new filter ${fmtNode(head)} after TSYNC (head ${fmtNode(h)})`, [tidOf(ctx, t)], [head, h]);
      return false;
    }
    if (callerNnp && !nnpOf(ctx, t)) {
      ctx.violation('tsync-postcondition', `thread ${tidOf(ctx, t)} lacks no_new_privs after TSYNC by ${tidOf(ctx, caller)}`, [tidOf(ctx, t)], [head]);
      return false;
    }
    return true;
  });
  recordTsync(ctx, g, label);
}

/** Remember the last successful TSYNC's filter label (checker state, under siglock). */
export function recordTsync(ctx: Ctx, g: number, label: number): void {
  const ga = groupAt(ctx, g);
  ctx.seam.store(ga + GROUP.LAST_TSYNC_LABEL, label);
  ctx.seam.store(ga + GROUP.LAST_TSYNC_SEQ, ctx.seam.load(ga + GROUP.JOIN_SEQ));
}

/** No escape: a thread joining the group must carry the last successful TSYNC's filter. */
export function checkJoin(ctx: Ctx, g: number, t: number): void {
  const label = ctx.seam.load(groupAt(ctx, g) + GROUP.LAST_TSYNC_LABEL);
  if (label === 0) return;
  if (!chainHasLabel(ctx, headOf(ctx, t), label))
    ctx.violation('escape', `thread ${tidOf(ctx, t)} joined group ${g} without filter ${label} of its last successful TSYNC`, [tidOf(ctx, t)], [headOf(ctx, t)]);
}
