/** The designs by name. Adding a design is adding a file and a line here. */
import type { Design } from '../design.ts';
import { merged } from './merged.ts';
import { separateSync } from './separate-sync.ts';
import { forceCompose } from './force-compose.ts';
import { UsageError } from '../../shared/usage-error.ts';

export const DESIGNS: readonly Design[] = [merged, separateSync, forceCompose];
export const DESIGN_NAMES = DESIGNS.map((d) => d.name);

export function findDesign(name: string): Design {
  const d = DESIGNS.find((x) => x.name === name);
  if (!d) throw new UsageError(`unknown design "${name}"; designs: ${DESIGN_NAMES.join(', ')}`);
  return d;
}
