/** One thread's final state in the result format (`threads` of a scenario or concurrent result). */
import { MODE, TSTATE } from '../shared/layout.ts';
import type { Ctx } from '../seccomp/context.ts';
import { headOf, modeOf, nnpOf, stateOf, taskLive } from '../seccomp/task.ts';
import { chainLabels } from '../seccomp/filter.ts';
import type { ThreadState } from './types.ts';

/** `t` (0 or undefined: never created) as the result format shows it; `labels[id]` names filter `id`. */
export function threadState(ctx: Ctx, t: number | undefined, labels: readonly string[]): ThreadState {
  if (t === undefined || t === 0 || !taskLive(ctx, t) || stateOf(ctx, t) !== TSTATE.ALIVE) return { alive: false };
  return {
    alive: true,
    mode: modeOf(ctx, t) === MODE.FILTER ? 'filter' : 'disabled',
    nnp: nnpOf(ctx, t),
    filters: chainLabels(ctx, headOf(ctx, t)).map((id) => labels[id] ?? `#${id}`),
  };
}
