/** The TypeScript files under a source folder (for tests that read the code itself). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function tsFiles(root: string, exclude: (name: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.ts') && !exclude(e.name)) out.push(join(d, e.name));
    }
  };
  walk(root);
  return out;
}
