/**
 * Filter nodes (struct seccomp_filter) in the shared arena: allocation, the
 * refcount helpers and the ancestry walk. Mirrors kernel/seccomp.c:
 * __get_seccomp_filter, __put_seccomp_filter (iterative walk up `prev`),
 * seccomp_filter_free (never-attached nodes), is_ancestor.
 *
 * Arena allocation is serialised by the arena lock (a lab lock, so lockdep sees
 * it and its kind is selectable); it is always the innermost lock.
 */
import { ALLOC, NODE, handleGen, handleSlot, makeHandle, LOCK_ID } from '../shared/layout.ts';
import { EV } from '../shared/events.ts';
import type { Ctx } from './context.ts';

/** refcount_t saturation point: never wrap, report instead. */
export const REFCOUNT_SATURATED = 0x40000000;
/** MAX_INSNS_PER_PATH = (1 << 18) / sizeof(struct sock_filter) */
export const MAX_INSNS_PER_PATH = 32768;
export const MAX_INSNS = 4096;

/** Is `h` a handle to a node that is currently allocated, with the same generation? */
export function nodeLive(ctx: Ctx, h: number): boolean {
  const slot = handleSlot(h);
  if (slot < 0 || slot >= ctx.L.cfg.maxFilters) return false;
  const at = ctx.L.node(slot);
  return ctx.seam.aload(at + NODE.GEN) === handleGen(h) && ctx.seam.aload(at + NODE.REFS) > 0;
}

/** Is `h` a handle to this generation of an allocated slot (its count not considered)? */
function nodeCurrent(ctx: Ctx, h: number): boolean {
  const slot = handleSlot(h);
  if (slot < 0 || slot >= ctx.L.cfg.maxFilters) return false;
  const at = ctx.L.node(slot);
  return ctx.seam.aload(at + NODE.GEN) === handleGen(h) && ctx.seam.aload(at + NODE.ALLOC) === 1;
}

/** Check a node before touching it; report a use-after-free if it is stale or dead. */
export function checkNode(ctx: Ctx, h: number, what: string, tid = 0): boolean {
  if (nodeLive(ctx, h)) return true;
  if (ctx.checking) {
    const slot = handleSlot(h);
    const gen = slot >= 0 && slot < ctx.L.cfg.maxFilters ? ctx.seam.aload(ctx.L.node(slot) + NODE.GEN) : -1;
    const refs = slot >= 0 && slot < ctx.L.cfg.maxFilters ? ctx.seam.aload(ctx.L.node(slot) + NODE.REFS) : 0;
    ctx.violation(
      'use-after-free',
      `${what}: node ${fmtNode(h)} is ${gen !== handleGen(h) ? `stale (slot generation ${gen})` : `dead (refs ${refs})`}`,
      tid ? [tid] : [],
      [h],
    );
  }
  return false;
}

export function fmtNode(h: number): string {
  return h === 0 ? 'NULL' : `#${handleSlot(h)}.g${handleGen(h)}`;
}

function nodeAt(ctx: Ctx, h: number): number {
  return ctx.L.node(handleSlot(h));
}

export function nodePrev(ctx: Ctx, h: number): number {
  return ctx.seam.load(nodeAt(ctx, h) + NODE.PREV);
}
export function nodeLabel(ctx: Ctx, h: number): number {
  return ctx.seam.load(nodeAt(ctx, h) + NODE.LABEL);
}
export function nodeInsns(ctx: Ctx, h: number): number {
  return ctx.seam.load(nodeAt(ctx, h) + NODE.INSNS);
}
export function nodePath(ctx: Ctx, h: number): number {
  return h === 0 ? 0 : ctx.seam.load(nodeAt(ctx, h) + NODE.PATH);
}
/**
 * seccomp_prepare_filter(): a new, unpublished node with refs = 1 (the reference its
 * installing task will hold). Returns 0 when the arena is exhausted (ENOMEM).
 * Takes the arena lock; may be called with other locks held (it is innermost).
 */
export function allocNode(ctx: Ctx, label: number, insns: number): number {
  return ctx.lock(LOCK_ID.ARENA, () => {
    const s = ctx.seam;
    const a = ctx.L.alloc;
    let slot: number;
    const free = s.load(a + ALLOC.NODE_FREE);
    if (free !== 0) {
      slot = free - 1;
      s.store(a + ALLOC.NODE_FREE, s.load(ctx.L.node(slot) + NODE.NEXT_FREE));
    } else {
      slot = s.load(a + ALLOC.NODE_BUMP);
      if (slot >= ctx.L.cfg.maxFilters) return 0;
      s.store(a + ALLOC.NODE_BUMP, slot + 1);
    }
    const at = ctx.L.node(slot);
    s.store(at + NODE.PREV, 0);
    s.store(at + NODE.LABEL, label);
    s.store(at + NODE.INSNS, insns);
    s.store(at + NODE.PATH, insns + 4);
    s.store(at + NODE.NEXT_FREE, 0);
    s.astore(at + NODE.ALLOC, 1);
    s.astore(at + NODE.REFS, 1);
    s.add(a + ALLOC.NODE_LIVE, 1);
    return makeHandle(slot, s.aload(at + NODE.GEN));
  });
}

/** Return a node's slot to the arena, bumping its generation. */
function freeNode(ctx: Ctx, h: number): void {
  ctx.ring.push(EV.FREE, h, 0);
  ctx.lock(LOCK_ID.ARENA, () => {
    const s = ctx.seam;
    const slot = handleSlot(h);
    const at = ctx.L.node(slot);
    s.astore(at + NODE.GEN, (s.aload(at + NODE.GEN) + 1) & 0x7fff);
    s.astore(at + NODE.ALLOC, 0);
    s.astore(at + NODE.REFS, 0);
    s.store(at + NODE.NEXT_FREE, s.load(ctx.L.alloc + ALLOC.NODE_FREE));
    s.store(ctx.L.alloc + ALLOC.NODE_FREE, slot + 1);
    s.add(ctx.L.alloc + ALLOC.NODE_LIVE, -1);
  });
}

/**
 * seccomp_filter_free(): free a node that was never attached (failure paths). It
 * ignores `prev` and the count, exactly like the kernel helper.
 */
export function discardNode(ctx: Ctx, h: number): void {
  if (h !== 0) freeNode(ctx, h);
}

/** Link a prepared node on top of `prev` (the installing task's reference moves into the link). */
export function setNodePrev(ctx: Ctx, h: number, prev: number): void {
  const at = nodeAt(ctx, h);
  ctx.seam.store(at + NODE.PREV, prev);
  ctx.seam.store(at + NODE.PATH, ctx.seam.load(at + NODE.INSNS) + 4 + nodePath(ctx, prev));
}

/** __get_seccomp_filter(): refs++ (saturating, like refcount_inc). */
export function getFilter(ctx: Ctx, h: number, tid = 0): void {
  if (h === 0) return;
  if (!checkNode(ctx, h, 'get', tid)) return; // reported; touching the freed slot would only add noise
  const at = nodeAt(ctx, h) + NODE.REFS;
  const old = ctx.seam.add(at, 1);
  if (old >= REFCOUNT_SATURATED - 1) {
    ctx.seam.astore(at, REFCOUNT_SATURATED);
    if (ctx.checking) ctx.violation('refcount-overflow', `refcount of node ${fmtNode(h)} saturated`, tid ? [tid] : [], [h]);
  }
}

/**
 * __put_seccomp_filter(): drop one reference; every node whose count reaches zero
 * is freed and the reference it held on its parent is dropped in turn. Iterative.
 */
export function putFilter(ctx: Ctx, h: number, tid = 0): void {
  let bound = ctx.L.cfg.maxFilters + 1;
  while (h !== 0) {
    if (--bound < 0) {
      ctx.violation('cycle', `put walk from node ${fmtNode(h)} did not reach the root`, tid ? [tid] : [], [h]);
      return;
    }
    // a stale handle is a use-after-free; a live slot whose count is already 0 is the underflow below
    if (!nodeCurrent(ctx, h)) {
      checkNode(ctx, h, 'put', tid);
      return;
    }
    const at = nodeAt(ctx, h);
    const old = ctx.seam.add(at + NODE.REFS, -1);
    if (old === 1) {
      const prev = ctx.seam.load(at + NODE.PREV);
      freeNode(ctx, h);
      h = prev;
      continue;
    }
    if (old <= 0) {
      ctx.seam.astore(at + NODE.REFS, 0);
      if (ctx.checking) ctx.violation('refcount-underflow', `put on node ${fmtNode(h)} with refs ${old}`, tid ? [tid] : [], [h]);
    }
    if (old >= REFCOUNT_SATURATED) ctx.seam.astore(at + NODE.REFS, REFCOUNT_SATURATED);
    return;
  }
}

/** is_ancestor(parent, child): NULL is the root ancestor; a node is its own ancestor. */
export function isAncestor(ctx: Ctx, parent: number, child: number): boolean {
  if (parent === 0) return true;
  let bound = ctx.L.cfg.maxFilters + 1;
  for (let c = child; c !== 0 && --bound > 0; c = nodePrev(ctx, c)) if (c === parent) return true;
  return false;
}

/** Does the chain from `head` contain a node with this label? */
export function chainHasLabel(ctx: Ctx, head: number, label: number): boolean {
  let bound = ctx.L.cfg.maxFilters + 1;
  for (let c = head; c !== 0 && --bound > 0; c = nodePrev(ctx, c)) if (nodeLabel(ctx, c) === label) return true;
  return false;
}

/** Labels of the chain from `head`, newest first (bounded: a cycle ends after maxFilters). */
export function chainLabels(ctx: Ctx, head: number): number[] {
  const out: number[] = [];
  let bound = ctx.L.cfg.maxFilters + 1;
  for (let c = head; c !== 0 && --bound > 0; c = nodePrev(ctx, c)) out.push(nodeLabel(ctx, c));
  return out;
}
