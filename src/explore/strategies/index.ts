/** The strategies' in-worker halves, by the index a Strategy names in `decider`. */
import type { Decider } from './decider.ts';
import { randomDecider } from './random.ts';
import { pctDecider } from './pct.ts';
import { deviationsDecider } from './deviations.ts';
import { dporDecider } from './dpor.ts';

export const DECIDERS: readonly Decider[] = [randomDecider, pctDecider, deviationsDecider, deviationsDecider, dporDecider];
export const STRATEGY_NAMES = ['random', 'pct', 'dfs', 'dpor'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];
