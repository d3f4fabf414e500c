/**
 * Syscall entry: seccomp_run_filters() walks the caller's own chain with no lock
 * at all (READ_ONCE of the head, then prev links). Every node it touches must be
 * live (generation unchanged, refs > 0): under races this is what exposes a
 * use-after-free. A FILTER-mode thread never sees a NULL head (fail closed, I17).
 * Returns the chain length.
 */
import { MODE } from '../shared/layout.ts';
import { EV } from '../shared/events.ts';
import type { Ctx } from './context.ts';
import { checkNode, nodeInsns, nodePath, nodePrev } from './filter.ts';
import { WINDOW } from '../shared/seam.ts';
import { headOf, modeOf, tidOf } from './task.ts';

export function syscallEntry(ctx: Ctx, t: number): number {
  const mode = modeOf(ctx, t);
  if (mode === MODE.DISABLED) return 0;
  const tid = tidOf(ctx, t);
  let h = headOf(ctx, t);
  if (h === 0) {
    if (ctx.checking) ctx.violation('mode-head', `thread ${tid} is in filter mode with a NULL filter at syscall entry`, [tid], []);
    return 0;
  }
  let n = 0;
  const bound = ctx.L.cfg.maxFilters;
  // the head's path length (immutable once published) says how much the walk must run
  const path = nodePath(ctx, h);
  let ran = 0;
  let whole = true;
  while (h !== 0) {
    const prev = nodePrev(ctx, h);
    const insns = nodeInsns(ctx, h);
    ctx.seam.window(WINDOW.SYSCALL_WALK);
    // checked after reading it: a node freed before or while we read it is caught
    if (!checkNode(ctx, h, 'syscall walk', tid)) {
      whole = false;
      break;
    }
    ran += insns + 4;
    h = prev;
    if (++n > bound) {
      ctx.violation('cycle', `thread ${tid}'s chain does not end`, [tid], []);
      whole = false;
      break;
    }
  }
  if (whole && ran !== path && ctx.checking) ctx.violation('syscall-walk', `thread ${tid}'s syscall walk ran ${ran} of its chain's ${path} instructions (${n} filters)`, [tid], []);
  ctx.ring.push(EV.SYSCALL, tid, n);
  return n;
}
