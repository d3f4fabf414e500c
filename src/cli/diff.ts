/**
 * `tsync-lab diff FILE... [--design NAME]`: the model against the real kernel.
 * With several files (or a folder) it is the conformance run: one line per
 * scenario and `N/M identical` (npm run conformance).
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../shared/usage-error.ts';
import { parseScenarioFile } from '../scenario/parse.ts';
import { findDesign, DESIGN_NAMES } from '../seccomp/designs/index.ts';
import { findBug } from '../seccomp/bug-registry.ts';
import { diffScenario, scenarioFiles, type ScenarioDiff } from '../kernel/conformance.ts';
import { NotRunnableOnKernel } from '../kernel/errors.ts';
import { writeJunitAtomic } from '../junit/xml.ts';
import { diffSuite } from '../junit/cases.ts';
import { checkOutputFolder } from './flags.ts';

export const help = `usage: tsync-lab diff FILE|FOLDER... [--design NAME] [--bug NAME] [--json]

Runs each scenario on the model and on the real Linux kernel (see
\`tsync-lab kernel\`) and prints every difference: step results, chains, nnp,
mode, liveness. A folder means every *.json under it. With more than one
scenario it ends with "N/M identical"; scenarios with no kernel equivalent
(a "sync" step) are listed as not runnable and not counted.

  --design NAME   model design: ${DESIGN_NAMES.join(' | ')} (default merged)
  --bug NAME      run the model with a seeded bug (see \`tsync-lab bugs\`)
  --json          print [{ file, name, status, differences }] and the counts
  --junit FILE    write a JUnit XML report: one testcase per scenario, a difference is a failure,
                  a scenario not runnable on the kernel is skipped

exit: 0 all identical, 1 any difference, 2 bad input (including nothing
runnable on the kernel to compare), or the kernel cannot run here (the
message says exactly why)

example:
  npx tsync-lab diff test/scenarios/two_siblings_with_one_divergence.json
  npm run conformance        # = tsync-lab diff test/scenarios
`;

interface Entry {
  file: string;
  name: string;
  status: 'identical' | 'different' | 'not_runnable';
  differences: string[];
  reason?: string;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { design: { type: 'string', default: 'merged' }, bug: { type: 'string' }, json: { type: 'boolean', default: false }, junit: { type: 'string' } },
  });
  if (positionals.length === 0) throw new UsageError('diff: expected a scenario FILE or FOLDER (see --help)');
  const design = findDesign(values.design!).name;
  const bug = values.bug ? findBug(values.bug).name : undefined;
  checkOutputFolder('junit', values.junit);
  const files = scenarioFiles(positionals);
  if (files.length === 0) throw new UsageError(`diff: no *.json scenario under ${positionals.join(', ')}`);
  const single = files.length === 1 && !positionals.some((p) => !p.endsWith('.json'));
  const scenarios = files.map((f) => ({ file: f, s: parseScenarioFile(f) })); // all bad input before any run
  const entries: Entry[] = [];
  let kernel = '';
  const out = (line: string) => {
    if (!values.json) process.stdout.write(line + '\n');
  };
  for (const { file, s } of scenarios) {
    let d: ScenarioDiff;
    try {
      d = await diffScenario(s, bug ? { design, bug } : { design });
    } catch (e) {
      if (e instanceof NotRunnableOnKernel && !single) {
        entries.push({ file, name: s.name, status: 'not_runnable', differences: [], reason: e.message });
        out(`-- ${s.name}: not runnable on the kernel (${e.message.replace(/^.*?kernel: /, '')})`);
        continue;
      }
      throw e; // the kernel is unavailable, or a single not-runnable file: one line, exit 2
    }
    kernel = d.kernel;
    const identical = d.differences.length === 0;
    entries.push({ file, name: s.name, status: identical ? 'identical' : 'different', differences: d.differences });
    if (single) {
      out(`scenario ${s.name}: model (design ${design}) vs kernel (Linux ${d.kernel}): ${identical ? 'identical' : `${d.differences.length} difference(s)`}`);
      for (const line of d.differences) out(`  ${line}`);
    } else {
      out(`${identical ? 'ok' : 'XX'} ${s.name}${identical ? '' : `: ${d.differences.length} difference(s)`}`);
      for (const line of d.differences) out(`     ${line}`);
    }
  }
  const compared = entries.filter((e) => e.status !== 'not_runnable');
  const same = compared.filter((e) => e.status === 'identical').length;
  const skipped = entries.length - compared.length;
  if (values.junit && compared.length) writeJunitAtomic(values.junit, [diffSuite(entries, { design, kernel })]);
  if (compared.length === 0) throw new UsageError(`diff: nothing to compare: none of the ${entries.length} scenario(s) is runnable on the kernel`);
  if (values.json) {
    process.stdout.write(JSON.stringify({ design, kernel, identical: same, compared: compared.length, notRunnable: skipped, scenarios: entries }, null, 2) + '\n');
  } else if (!single) {
    out(`${same}/${compared.length} identical (model design ${design} vs Linux ${kernel || '?'})${skipped ? `; ${skipped} not runnable on the kernel` : ''}`);
  }
  return same === compared.length ? 0 : 1;
}
