/**
 * The world a command line names, for every engine: `--scope` and `--lock ROLE=KIND`
 * (`--design` and `--bug` resolve through findDesign and findBug). Bad values are
 * one-line UsageErrors. Flag values in general are src/shared/flags.ts.
 */
import { DEFAULT_LOCK_PLAN, parseLockKind, parseLockRole, type LockPlan } from '../locks/kinds.ts';
import { UsageError } from '../shared/usage-error.ts';
import { SCOPES, type Scope } from './context.ts';

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
