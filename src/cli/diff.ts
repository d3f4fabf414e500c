/**
 * `tsync-lab diff FILE... [--design NAME]`: the model against the real kernel.
 * With several files (or a folder) it is the conformance run: one line per
 * scenario and `N/M identical` (npm run conformance).
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../shared/usage-error.ts';
import { parseScenarioFile } from '../scenario/parse.ts';
import { DESIGN_NAMES } from '../seccomp/designs/index.ts';
import { parseWorldFlags } from '../seccomp/world-flags.ts';
import { diffScenario, scenarioFiles, type ScenarioDiff } from '../kernel/conformance.ts';
import { NotRunnableOnKernel } from '../kernel/errors.ts';
import { timeoutFlag } from '../shared/flags.ts';
import { DEFAULT_MAX_STEPS, runFuzz } from './diff-fuzz.ts';
import { writeJunitAtomic } from '../junit/xml.ts';
import { diffSuite } from '../kernel/junit.ts';
import { checkOutputFlag } from '../shared/flags.ts';

export const help = `usage: tsync-lab diff FILE|FOLDER... [--design NAME] [--bug NAME] [--json] [--timeout D]
       tsync-lab diff --fuzz N [--seed S] [--max-steps K] [--design NAME] [--bug NAME] [--json]

Runs each scenario on the model and on the real Linux kernel (see
\`tsync-lab kernel\`) and prints every difference: step results, chains, nnp,
mode, liveness. A folder means every *.json under it. With more than one
scenario it ends with "N/M identical"; scenarios with no kernel equivalent
(a "sync" step) are listed as not runnable and not counted.

  --design NAME   model design: ${DESIGN_NAMES.join(' | ')} (default merged)
  --bug NAME      run the model with a seeded bug (see \`tsync-lab bugs\`)
  --json          print [{ file, name, status, differences }] and the counts
  --timeout D     the kernel side of each scenario: end the helper past D
                  (1s..1h; default 10s + 20ms per step)
  --junit FILE    write a JUnit XML report: one testcase per scenario, a difference is a failure,
                  a scenario not runnable on the kernel is skipped

Differential fuzzing (--fuzz): N random valid sequential scenarios (1 to 6
threads, privileged or not, set_nnp, attach with every flag combination and
an unknown flag, insns 0/1/4096/4097 and paths near the 32768 limit, clone
from any live thread, exit of any thread, the leader included; sync for
designs that have it, which the kernel cannot run, so those are skipped) on
the model and the kernel. The first difference is shrunk (fast-check) to a
minimal scenario, printed as a file ready to save under test/scenarios/
("expect" = the kernel's result), with both results side by side.

  --fuzz N        scenarios to compare, 1..10000000
  --seed S        0..2147483647 (default random; always printed)
  --max-steps K   steps per scenario, 1..1000 (default ${DEFAULT_MAX_STEPS})
  --json          print exactly { runs, identical, seed, differences:
                  [{ scenario, model, kernel }] }

Exit (--fuzz): 0 all identical, 1 a difference, 2 bad input or the kernel is
unavailable (one line "diff --fuzz skipped: ..." saying why)

exit: 0 all identical, 1 any difference, 2 bad input (including nothing
runnable on the kernel to compare), or the kernel cannot run here (the
message says exactly why)

example:
  npx tsync-lab diff test/scenarios/two_siblings_with_one_divergence.json
  npm run conformance        # = tsync-lab diff test/scenarios
  npx tsync-lab diff --fuzz 200 --seed 1
  npm run bench:fuzz         # a large N, scenarios per second
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
    options: {
      design: { type: 'string', default: 'merged' },
      bug: { type: 'string' },
      json: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      fuzz: { type: 'string' },
      seed: { type: 'string' },
      'max-steps': { type: 'string' },
      junit: { type: 'string' },
    },
  });
  const timeoutMs = timeoutFlag(values.timeout);
  if (values.fuzz !== undefined) {
    if (positionals.length) throw new UsageError('diff --fuzz takes no FILE (it generates its scenarios)');
    const world = parseWorldFlags(values);
    return runFuzz({ ...values, fuzz: values.fuzz, design: values.design!, json: !!values.json }, world.design!, world.bug?.name);
  }
  if (values.seed !== undefined || values['max-steps'] !== undefined) throw new UsageError('--seed and --max-steps go with --fuzz');
  if (positionals.length === 0) throw new UsageError('diff: expected a scenario FILE or FOLDER (see --help)');
  const world = parseWorldFlags(values);
  const design = world.design!;
  const bug = world.bug?.name;
  checkOutputFlag('junit', values.junit);
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
      d = await diffScenario(s, { design, ...(bug ? { bug } : {}), ...(timeoutMs === undefined ? {} : { timeoutMs }) });
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
