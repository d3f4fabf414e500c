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
import { checkNode, nodePrev } from './filter.ts';
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
  while (h !== 0) {
    const prev = nodePrev(ctx, h);
    ctx.seam.window(3);
    // checked after reading it: a node freed before or while we read it is caught
    if (!checkNode(ctx, h, 'syscall walk', tid)) break;
    h = prev;
    if (++n > bound) {
      ctx.violation('cycle', `thread ${tid}'s chain does not end`, [tid], []);
      break;
    }
  }
  ctx.ring.push(EV.SYSCALL, tid, n);
  return n;
}
