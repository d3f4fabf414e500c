/** `runScenario(file, options)`: the `tsync-lab scenario FILE --json` command as a function. */
import { parseScenario, parseScenarioFile } from '../scenario/parse.ts';
import { runScenarioFull } from '../scenario/run.ts';
import { parseWorldFlags } from '../seccomp/world-flags.ts';
import type { Result } from '../scenario/types.ts';
import { asApi } from './errors.ts';
import { parseOptions, type FlagsOf } from './options.ts';

const OPTIONS = { design: { type: 'string', default: 'merged' }, bug: { type: 'string' }, scope: { type: 'string', default: 'siglock' } } as const;

export type ScenarioOptions = FlagsOf<typeof OPTIONS>;

/**
 * Run a scenario (a file path, or the scenario object itself) on the model.
 * Resolves to the result `scenario FILE --json` prints.
 */
export function runScenario(scenario: string | object, options: ScenarioOptions = {}): Promise<Result> {
  return asApi(() => {
    const values = parseOptions(options, OPTIONS);
    const world = parseWorldFlags(values);
    const s = typeof scenario === 'string' ? parseScenarioFile(scenario) : parseScenario(scenario);
    return runScenarioFull(s, { design: world.design!, bug: world.bug?.name ?? null, scope: world.scope }).result;
  });
}
