/**
 * The seeded bugs: every file under bugs/ (one bug each), loaded in name order.
 * The designs a bug applies to follow from the operations it replaces: a design
 * has the bug's code when it uses one of them (`Design.uses`); a bug that replaces
 * locks applies to every design.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { UsageError } from '../shared/usage-error.ts';
import { DESIGNS } from './designs/index.ts';
import type { Design } from './design.ts';
import type { Bug, BugName } from './bug.ts';
import type { OpName } from './ops.ts';

export type { Bug, BugName } from './bug.ts';

const DIR = fileURLToPath(new URL('./bugs/', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts'))
  .sort();

async function load(file: string): Promise<Bug> {
  const mod = (await import(pathToFileURL(join(DIR, file)).href)) as { default?: Bug };
  const b = mod.default;
  const stem = file.replace(/\.(ts|js|mjs)$/, '');
  if (!b || b.name !== stem) throw new Error(`seeded bug file bugs/${file} must default-export defineBug({ name: '${stem}', … })`);
  return b;
}

export const BUGS: readonly Bug[] = await Promise.all(FILES.map(load));

/** The designs whose code has this bug: they use an operation it replaces. */
export function bugDesigns(b: Bug): readonly Design[] {
  const ops = Object.keys(b.ops) as OpName[];
  return DESIGNS.filter((d) => b.locks !== undefined || ops.some((op) => d.uses.includes(op)));
}

/** A bug with a design that has none of its code would run clean: refuse the pair. */
export function checkBugDesign(b: Bug, design: string): void {
  const ds = bugDesigns(b).map((d) => d.name);
  if (!ds.includes(design)) throw new UsageError(`bug "${b.name}" has no code in design "${design}"; it applies to: ${ds.join(', ')}`);
}

export function findBug(name: string): Bug {
  const b = BUGS.find((x) => x.name === name);
  if (!b) throw new UsageError(`unknown bug "${name}"; bugs: ${BUGS.map((x) => x.name).join(', ')}`);
  return b;
}

export function isBugName(name: string): name is BugName {
  return BUGS.some((b) => b.name === name);
}
