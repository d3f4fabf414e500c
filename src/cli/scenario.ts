/** `tsync-lab scenario FILE [--design NAME] [--bug NAME] [--json]` */
import { parseArgs } from 'node:util';
import { UsageError } from '../shared/usage-error.ts';
import { parseScenarioFile } from '../scenario/parse.ts';
import { runScenarioFull } from '../scenario/run.ts';
import { compareResults } from '../scenario/compare.ts';
import { DESIGN_NAMES } from '../seccomp/designs/index.ts';
import { parseWorldFlags } from '../seccomp/world-flags.ts';
import { SCOPES } from '../seccomp/context.ts';
import type { Result, Scenario } from '../scenario/types.ts';

export const help = `usage: tsync-lab scenario FILE [--design NAME] [--bug NAME] [--scope S] [--json]

Runs a scenario file step by step on the model (each step executed by its
thread, one after another) and prints the result. With --json, prints exactly
the result JSON on stdout and nothing else. If the file has an "expect" object,
compares (only the keys given) and exits 1 on a mismatch, printing the diff.

  --design NAME   ${DESIGN_NAMES.join(' | ')} (default merged)
  --bug NAME      run a seeded bug (see \`tsync-lab bugs\`)
  --scope S       ${SCOPES.join(' | ')}: the lock that serialises TSYNC and clone (default siglock)
  --json          print the result JSON only

exit: 0 ok, 1 expect mismatch or a checker violation, 2 bad input

example:
  npx tsync-lab scenario test/scenarios/two_siblings_with_one_divergence.json
`;

function describeStep(s: Scenario['steps'][number]): string {
  switch (s.op) {
    case 'attach':
      return `attach ${s.filter}${s.flags?.length ? ` [${s.flags.join(',')}]` : ''}${s.insns !== undefined ? ` insns=${s.insns}` : ''}`;
    case 'clone':
      return `clone -> ${s.child}`;
    default:
      return s.op;
  }
}

/**
 * Compare a result with the scenario's `expect` (if any): print the mismatches on
 * stderr, or that all were met (unless the output is JSON only). Returns 1 on a
 * mismatch, else 0.
 */
export function reportExpect(s: Scenario, r: Result, json: boolean, side = 'actual'): number {
  if (!s.expect) return 0;
  const diffs = compareResults(s.expect, r, ['expected', side]);
  if (diffs.length) {
    process.stderr.write(`expect: ${diffs.length} mismatch(es)\n${diffs.map((d) => `  ${d}`).join('\n')}\n`);
    return 1;
  }
  if (!json) process.stdout.write('expect: all expectations met\n');
  return 0;
}

/** The human-readable result; `title` is its first line. */
export function formatResult(s: Scenario, r: Result, title: string): string {
  const lines = [title];
  const w = Math.max(...s.steps.map((x) => x.thread.length), 4);
  s.steps.forEach((st, i) => {
    const res = r.steps[i]!;
    const out = res.result === 'ok' ? 'ok' : res.result === 'error' ? `error ${res.errno}` : `tsync_failed (thread ${res.thread})`;
    lines.push(`  ${String(i + 1).padStart(2)}. ${st.thread.padEnd(w)} ${describeStep(st).padEnd(34)} ${out}`);
  });
  lines.push('threads:');
  const nw = Math.max(...Object.keys(r.threads).map((n) => n.length), 4);
  for (const [n, t] of Object.entries(r.threads)) {
    if (!t.alive) lines.push(`  ${n.padEnd(nw)} exited`);
    else lines.push(`  ${n.padEnd(nw)} ${t.mode.padEnd(8)} nnp=${t.nnp ? 'yes' : 'no '} filters=[${t.filters.join(', ')}]`);
  }
  return lines.join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { design: { type: 'string', default: 'merged' }, bug: { type: 'string' }, scope: { type: 'string', default: 'siglock' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new UsageError('scenario: expected exactly one FILE (see --help)');
  const world = parseWorldFlags(values);
  const design = world.design!;
  const bug = world.bug?.name ?? null;
  const s = parseScenarioFile(positionals[0]!);
  const out = runScenarioFull(s, { design, bug, scope: world.scope });
  if (values.json) process.stdout.write(JSON.stringify(out.result, null, 2) + '\n');
  else process.stdout.write(formatResult(s, out.result, `scenario ${s.name} (design ${design})`));
  let code = 0;
  for (const v of out.violations) {
    process.stderr.write(`violation: ${v.kind}: ${v.message}${v.op ? ` (${v.op})` : ''}\n`);
    code = 1;
  }
  if (reportExpect(s, out.result, values.json!) !== 0) code = 1;
  return code;
}
