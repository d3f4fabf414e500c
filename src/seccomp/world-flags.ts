/**
 * The world a command line names, for every command: `--design`, `--bug`, `--scope` and
 * `--lock ROLE=KIND`. One flag table (`WORLD_FLAGS`) and one parser (`parseWorldFlags`)
 * serve stress, experiment, explore, replay and litmus; each engine adds only its own
 * refusals. Bad values are one-line UsageErrors. Flag values in general are
 * src/shared/flags.ts.
 */
import { DEFAULT_LOCK_PLAN, parseLockKind, parseLockRole, type LockPlan } from '../locks/kinds.ts';
import { UsageError } from '../shared/usage-error.ts';
import { SCOPES, type Scope } from './context.ts';
import { findDesign } from './designs/index.ts';
import { checkBugDesign, findBug } from './bug-registry.ts';
import type { Bug } from './bug.ts';

/** The world's flags, as node:util's parseArgs takes them (a command may give a flag a default, or leave one out). */
export const WORLD_FLAGS = {
  design: { type: 'string' },
  bug: { type: 'string' },
  scope: { type: 'string' },
  lock: { type: 'string', multiple: true },
} as const;

export interface WorldFlagValues {
  design?: string | undefined;
  bug?: string | undefined;
  scope?: string | undefined;
  lock?: string[] | undefined;
}

/** What the world flags say, before a design is chosen for a scenario file. */
export interface WorldFlags {
  /** the design named by --design (or the caller's default), or null: the file's first, else merged */
  design: string | null;
  bug: Bug | null;
  scope: Scope;
  plan: LockPlan;
}

export interface WorldDefaults {
  design?: string | undefined;
  bug?: string | null | undefined;
  scope?: string | undefined;
  /** the command, for its refusals: "explore: lock kind …" */
  command?: string;
  /** why this command cannot run lock kind `native` (refused with one line), if it cannot */
  noNative?: string;
}

/** Parses the world flags (unset ones from `d`): names checked, a bug checked against --design when one is given. */
export function parseWorldFlags(v: WorldFlagValues, d: WorldDefaults = {}): WorldFlags {
  const named = v.design ?? d.design;
  const design = named === undefined ? null : findDesign(named).name;
  const bugName = v.bug ?? d.bug ?? null;
  const bug = bugName ? findBug(bugName) : null;
  if (bug && design) checkBugDesign(bug, design);
  const scope = parseScope(v.scope ?? d.scope ?? 'siglock');
  const plan = parseLockPlan(v.lock);
  if (d.noNative !== undefined)
    for (const [role, kind] of Object.entries(plan)) if (kind === 'native') throw new UsageError(`${d.command ?? 'tsync-lab'}: lock kind "native" (${role}) ${d.noNative}`);
  return { design, bug, scope, plan };
}

/**
 * The design a run of a scenario file uses: --design, else the file's first design, else
 * merged; null when the file lists designs and --design is not among them. A seeded bug
 * is checked against the design chosen.
 */
export function designFor(w: WorldFlags, fileDesigns?: readonly string[] | null): string | null {
  const design = w.design ?? fileDesigns?.[0] ?? 'merged';
  if (fileDesigns && !fileDesigns.includes(design)) return null;
  if (w.bug) checkBugDesign(w.bug, design);
  return design;
}

export function parseLockPlan(entries: string[] | undefined, base: LockPlan = DEFAULT_LOCK_PLAN): LockPlan {
  const plan = { ...base };
  for (const e of entries ?? []) {
    const match = /^([a-z_]+)=(\S+)$/.exec(e.trim()); // KIND: a built-in name or a lock module path
    if (!match) throw new UsageError(`--lock: expected ROLE=KIND (e.g. siglock=mcs), got "${e}"`);
    plan[parseLockRole(match[1]!)] = parseLockKind(match[2]!);
  }
  return plan;
}

export function parseScope(raw: string): Scope {
  if (!(SCOPES as readonly string[]).includes(raw)) throw new UsageError(`unknown scope "${raw}"; scopes: ${SCOPES.join(', ')}`);
  return raw as Scope;
}
