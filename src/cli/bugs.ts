/** `tsync-lab bugs [--json]`: the seeded bugs, their origin, and what must catch them. */
import { parseArgs } from 'node:util';
import { UsageError } from '../shared/usage-error.ts';
import { BUGS, bugDesigns } from '../seccomp/bug-registry.ts';

export const help = `usage: tsync-lab bugs [--json]

Lists the seeded bugs (deliberately broken variants of the model, most of them
bugs the real kernel had) with their origin and the violation kind(s) a stress
run must report (at least one of them). Run one with \`stress --bug NAME\` or
\`scenario FILE --bug NAME\`.

  --json   print an array of { name, origin, catches }

example:
  npx tsync-lab bugs
  npx tsync-lab stress --bug clone-copy-early --duration 5s
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  if (positionals.length) throw new UsageError(`bugs: unexpected argument "${positionals[0]}"`);
  if (values.json) {
    process.stdout.write(JSON.stringify(BUGS.map((b) => ({ name: b.name, origin: b.origin, catches: b.catches })), null, 2) + '\n');
    return 0;
  }
  for (const b of BUGS) {
    const designs = bugDesigns(b).map((d) => d.name).join(', ');
    process.stdout.write(`${b.name}\n  origin:  ${b.origin}\n  effect:  ${b.effect}\n  catches: ${b.catches.join(' | ')}\n  designs: ${designs}\n  file:    src/seccomp/bugs/${b.name}.ts\n`);
  }
  return 0;
}
