/**
 * Online checkers that run inside model operations, under the same lock hold as
 * the step they check: TSYNC atomicity (a failed TSYNC changed nothing), the TSYNC
 * postcondition, and no-escape at join. They report through ctx.violation.
 */
import { GROUP } from '../shared/layout.ts';
import type { Ctx } from './context.ts';
import { chainHasLabel, fmtNode, nodeLabel } from './filter.ts';
import { firstThread, nextThread, groupAt, headLocked, exitingLocked, modeLocked, nnpOf, tidOf, filterCountOf } from './task.ts';

/**
 * A group's seccomp state before a TSYNC, for the atomicity check: (task, head, mode)
 * triples in list order, kept in a buffer reused across calls (no garbage per TSYNC).
 */
export interface GroupSnapshot {
  n: number;
  data: Int32Array;
}

const SNAP_WORDS = 3;
const snapBuffers = new WeakMap<Ctx, GroupSnapshot>();

/** Under siglock (firstThread asserts it). The snapshot is valid until the next call on this ctx. */
export function snapshotGroup(ctx: Ctx, g: number): GroupSnapshot {
  let snap = snapBuffers.get(ctx);
  if (!snap) snapBuffers.set(ctx, (snap = { n: 0, data: new Int32Array(64 * SNAP_WORDS) }));
  const sn = snap;
  sn.n = 0;
  for (let t = firstThread(ctx, g), n = 0; t !== 0; t = nextThread(ctx, g, t, ++n)) {
    if ((sn.n + 1) * SNAP_WORDS > sn.data.length) {
      const bigger = new Int32Array(sn.data.length * 2);
      bigger.set(sn.data);
      sn.data = bigger;
    }
    const at = sn.n++ * SNAP_WORDS;
    sn.data[at] = t;
    sn.data[at + 1] = headLocked(ctx, t);
    sn.data[at + 2] = modeLocked(ctx, t);
  }
  return sn;
}

/**
 * A failed TSYNC must leave every thread of the group, caller included, unchanged
 * (head and mode; nnp is left out: a thread may set its own — an atomic flag, no
 * siglock — meanwhile). Expects siglock held.
 */
export function checkUnchanged(ctx: Ctx, g: number, before: GroupSnapshot, why: string): void {
  ctx.assertHeld(ctx.L.siglock(g), 'checkUnchanged');
  const d = before.data;
  let i = 0;
  for (let t = firstThread(ctx, g), n = 0; t !== 0; t = nextThread(ctx, g, t, ++n)) {
    // same siglock hold as the snapshot: the same threads, in the same order
    const at = i++ * SNAP_WORDS;
    const head = headLocked(ctx, t);
    const mode = modeLocked(ctx, t);
    if (i > before.n || d[at] !== t || head !== d[at + 1] || mode !== d[at + 2]) {
      const tid = tidOf(ctx, t);
      const was = i > before.n || d[at] !== t ? 'not on the list before' : `head ${fmtNode(d[at + 1]!)}, mode ${d[at + 2]}`;
      ctx.violation('tsync-atomicity', `${why}: failed TSYNC changed thread ${tid} (was ${was}; now head ${fmtNode(head)}, mode ${mode})`, [tid], [head]);
      return;
    }
  }
}

/**
 * After a successful TSYNC: every non-exiting thread has the new filter (`exact`:
 * as its head; otherwise a node with its label at the head, for force-compose) and
 * nnp if the caller had it. Records the group's last TSYNC for the escape checker.
 * Under siglock (firstThread and recordTsync assert it).
 */
export function checkTsyncDone(ctx: Ctx, g: number, caller: number, head: number, exact: boolean): void {
  const label = nodeLabel(ctx, head);
  const callerNnp = nnpOf(ctx, caller);
  for (let t = firstThread(ctx, g), n = 0; t !== 0; t = nextThread(ctx, g, t, ++n)) {
    if (exitingLocked(ctx, t)) continue;
    const h = headLocked(ctx, t);
    const ok = exact ? h === head : h !== 0 && nodeLabel(ctx, h) === label;
    if (!ok) {
      ctx.violation('tsync-postcondition', `thread ${tidOf(ctx, t)} does not have the new filter ${fmtNode(head)} after TSYNC (head ${fmtNode(h)})`, [tidOf(ctx, t)], [head, h]);
      break;
    }
    if (callerNnp && !nnpOf(ctx, t)) {
      ctx.violation('tsync-postcondition', `thread ${tidOf(ctx, t)} lacks no_new_privs after TSYNC by ${tidOf(ctx, caller)}`, [tidOf(ctx, t)], [head]);
      break;
    }
  }
  recordTsync(ctx, g, label);
}

/** Remember the last successful TSYNC's filter label (checker state, under siglock). */
export function recordTsync(ctx: Ctx, g: number, label: number): void {
  ctx.assertHeld(ctx.L.siglock(g), 'recordTsync');
  const ga = groupAt(ctx, g);
  ctx.seam.store(ga + GROUP.LAST_TSYNC_LABEL, label);
}

/**
 * At link time (clone, just before the child is linked): the child must carry exactly its parent's seccomp state —
 * filter head, mode, no_new_privs and filter count (inheritance) — and the last
 * successful TSYNC's filter of the group it joins (no escape). Expects siglock held.
 */
export function checkJoin(ctx: Ctx, g: number, parent: number, child: number): void {
  ctx.assertHeld(ctx.L.siglock(g), 'checkJoin');
  const head = headLocked(ctx, child);
  const tid = tidOf(ctx, child);
  const differs: string[] = [];
  if (head !== headLocked(ctx, parent)) differs.push(`head ${fmtNode(head)} vs ${fmtNode(headLocked(ctx, parent))}`);
  if (modeLocked(ctx, child) !== modeLocked(ctx, parent)) differs.push(`mode ${modeLocked(ctx, child)} vs ${modeLocked(ctx, parent)}`);
  if (nnpOf(ctx, child) !== nnpOf(ctx, parent)) differs.push(`no_new_privs ${nnpOf(ctx, child)} vs ${nnpOf(ctx, parent)}`);
  if (filterCountOf(ctx, child) !== filterCountOf(ctx, parent)) differs.push(`filter_count ${filterCountOf(ctx, child)} vs ${filterCountOf(ctx, parent)}`);
  if (differs.length > 0)
    ctx.violation('inheritance', `thread ${tid} joined group ${g} with a seccomp state unlike its parent ${tidOf(ctx, parent)}'s (child vs parent: ${differs.join(', ')})`, [tid, tidOf(ctx, parent)], [head]);
  const label = ctx.seam.load(groupAt(ctx, g) + GROUP.LAST_TSYNC_LABEL);
  if (label === 0) return;
  if (!chainHasLabel(ctx, head, label)) ctx.violation('escape', `thread ${tid} joined group ${g} without filter ${label} of its last successful TSYNC`, [tid], [head]);
}
