/**
 * `diff(paths, options)`: the `tsync-lab diff FILE|FOLDER… --json` command as a
 * function (the model against the real kernel). Resolves to the object `--json`
 * prints. Kept apart from src/cli/diff.ts on purpose (that file is growing
 * `--fuzz`); both use the same kernel/conformance functions and messages.
 */
import { UsageError } from '../shared/usage-error.ts';
import { parseScenarioFile } from '../scenario/parse.ts';
import { parseWorldFlags } from '../seccomp/world-flags.ts';
import { diffScenario, scenarioFiles } from '../kernel/conformance.ts';
import { NotRunnableOnKernel } from '../kernel/errors.ts';
import { writeJunitAtomic } from '../junit/xml.ts';
import { diffSuite, type DiffEntry } from '../kernel/junit.ts';
import { checkOutputFlag } from '../shared/flags.ts';
import { asApi } from './errors.ts';
import { parseOptions, type FlagsOf } from './options.ts';

const OPTIONS = { design: { type: 'string', default: 'merged' }, bug: { type: 'string' }, junit: { type: 'string' } } as const;

export type DiffOptions = FlagsOf<typeof OPTIONS> & { onProgress?: (line: string) => void };

export interface DiffReport {
  design: string;
  kernel: string;
  identical: number;
  compared: number;
  notRunnable: number;
  scenarios: DiffEntry[];
}

export function diff(paths: string | readonly string[], options: DiffOptions = {}): Promise<DiffReport> {
  return asApi(async () => {
    const values = parseOptions(options, OPTIONS, ['onProgress']);
    const list = typeof paths === 'string' ? [paths] : [...paths];
    if (list.length === 0) throw new UsageError('diff: expected a scenario FILE or FOLDER (see --help)');
    const world = parseWorldFlags(values);
    const design = world.design!;
    const bug = world.bug?.name;
    checkOutputFlag('junit', values.junit);
    const files = scenarioFiles(list);
    if (files.length === 0) throw new UsageError(`diff: no *.json scenario under ${list.join(', ')}`);
    const single = files.length === 1 && !list.some((p) => !p.endsWith('.json'));
    const scenarios = files.map((f) => ({ file: f, s: parseScenarioFile(f) }));
    const entries: DiffEntry[] = [];
    let kernel = '';
    for (const { file, s } of scenarios) {
      try {
        const d = await diffScenario(s, bug ? { design, bug } : { design });
        kernel = d.kernel;
        entries.push({ file, name: s.name, status: d.differences.length ? 'different' : 'identical', differences: d.differences });
        options.onProgress?.(`${d.differences.length ? 'XX' : 'ok'} ${s.name}${d.differences.length ? `: ${d.differences.length} difference(s)` : ''}`);
      } catch (e) {
        if (!(e instanceof NotRunnableOnKernel) || single) throw e;
        entries.push({ file, name: s.name, status: 'not_runnable', differences: [], reason: e.message });
      }
    }
    const compared = entries.filter((e) => e.status !== 'not_runnable');
    if (values.junit && compared.length) writeJunitAtomic(values.junit, [diffSuite(entries, { design, kernel })]);
    if (compared.length === 0) throw new UsageError(`diff: nothing to compare: none of the ${entries.length} scenario(s) is runnable on the kernel`);
    return { design, kernel, identical: compared.filter((e) => e.status === 'identical').length, compared: compared.length, notRunnable: entries.length - compared.length, scenarios: entries };
  });
}
