/**
 * The matrix: the cross product of the varied axes over the base stress flags.
 * Every cell's StressConfig is built (and so validated) before anything runs, so
 * a combination the layout cannot hold fails up front with exit 2.
 */
import { UsageError } from '../shared/usage-error.ts';
import { STRESS_OPTIONS, stressConfigFrom, type StressValues } from '../stress/options.ts';
import type { StressConfig } from '../stress/config.ts';
import { applyAxis, type Axis, type CellValues } from './axes.ts';

export interface CellPlan {
  index: number;
  label: string;
  coords: Record<string, string>;
  values: StressValues;
  config: StressConfig;
}

/** more cells than this is a typo, not an experiment */
const MAX_CELLS = 1000;

/** Cells in row-major order: the first axis varies slowest. */
export function planCells(axes: Axis[], base: StressValues): CellPlan[] {
  const n = axes.reduce((p, a) => p * a.values.length, 1);
  if (n > MAX_CELLS) throw new UsageError(`experiment: ${n} cells; at most ${MAX_CELLS} (vary fewer values)`);
  const cells: CellPlan[] = [];
  for (let i = 0; i < n; i++) {
    const coords: Record<string, string> = {};
    let rest = i;
    for (let k = axes.length - 1; k >= 0; k--) {
      const a = axes[k]!;
      coords[a.name] = a.values[rest % a.values.length]!;
      rest = Math.floor(rest / a.values.length);
    }
    const values: CellValues = { ...base, lock: [...(base.lock ?? [])] };
    const ordered: Record<string, string> = {};
    for (const a of axes) {
      ordered[a.name] = coords[a.name]!;
      applyAxis(values, a.name, coords[a.name]!);
    }
    const label = axes.length ? axes.map((a) => `${a.name}=${ordered[a.name]}`).join(' ') : 'base';
    let config: StressConfig;
    try {
      config = stressConfigFrom(values);
    } catch (e) {
      if (e instanceof UsageError) throw new UsageError(`cell ${label}: ${e.message}`);
      throw e;
    }
    cells.push({ index: i, label, coords: ordered, values, config });
  }
  return cells;
}

/**
 * The seed of one run: distinct per cell and repeat, derived from the base seed
 * so `--seed` reproduces the whole matrix's op choices.
 */
export function runSeed(baseSeed: number, cell: number, repeat: number): number {
  let h = (baseSeed ^ Math.imul(cell + 1, 0x9e3779b9) ^ Math.imul(repeat + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The stress command line of a cell (without --seed), for replaying one run. */
export function replayCommand(values: StressValues, duration: string): string {
  const args = ['npx', 'tsync-lab', 'stress'];
  for (const key of Object.keys(STRESS_OPTIONS) as (keyof typeof STRESS_OPTIONS)[]) {
    const v = values[key];
    if (key === 'seed' || key === 'duration' || key === 'latency' || v === undefined || v === false) continue;
    if (v === true) args.push(`--${key}`);
    else if (Array.isArray(v)) for (const x of v) args.push(`--${key}`, x);
    else args.push(`--${key}`, v);
  }
  args.push('--duration', duration);
  return args.join(' ');
}
