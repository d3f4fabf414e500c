/**
 * A scenario as file text in the style of test/scenarios/: top-level keys one
 * per line, one step (and one expected step or thread) per line.
 */
import type { Scenario } from './types.ts';

export function formatScenarioFile(s: Scenario & { description?: string }): string {
  const j = JSON.stringify;
  const head = [`{ "name": ${j(s.name)},`];
  if (s.description !== undefined) head.push(`  "description": ${j(s.description)},`);
  head.push(`  "privileged": ${j(s.privileged)},`, `  "threads": ${j(s.threads)},`);
  const steps = s.steps.map((st) => `    ${j(st)}`).join(',\n');
  const body = [...head, `  "steps": [${s.steps.length ? `\n${steps} ]` : ']'}`];
  if (s.expect) {
    const ex: string[] = [];
    if (s.expect.steps) ex.push(`    "steps": [${s.expect.steps.length ? `\n${s.expect.steps.map((r) => `      ${j(r)}`).join(',\n')} ]` : ']'}`);
    if (s.expect.threads) {
      const ts = Object.entries(s.expect.threads).map(([n, t]) => `      ${j(n)}: ${j(t)}`);
      ex.push(`    "threads": {${ts.length ? `\n${ts.join(',\n')} }` : '}'}`);
    }
    body[body.length - 1] += ',';
    body.push(`  "expect": {\n${ex.join(',\n')} } }`);
  } else body[body.length - 1] += ' }';
  return body.join('\n') + '\n';
}
