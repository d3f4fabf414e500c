/**
 * The long scenario of issue 13: one thread attaches insns-17 filters until the
 * path limit refuses one with ENOMEM. The first costs 17 and each later one 21
 * (insns + 4), so 1 + floor((32768 - 17) / 21) = 1560 fit and attach 1561 is ENOMEM:
 * 1,562 steps with the set_nnp.
 */
import { parseScenario } from '../../src/scenario/parse.ts';
import type { Scenario } from '../../src/scenario/types.ts';

export const LONG_FIT = 1560;

export function longChainScenario(): Scenario {
  const steps: unknown[] = [{ thread: 'main', op: 'set_nnp' }];
  for (let i = 1; i <= LONG_FIT + 1; i++) steps.push({ thread: 'main', op: 'attach', filter: `f${i}`, insns: 17 });
  return parseScenario({ name: 'long_chain_until_enomem', threads: ['main'], steps });
}
