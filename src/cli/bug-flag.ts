/** `--bug NAME` of scenario and diff (stress and experiment take it through the stress options). */
import { findBug, type BugName } from '../seccomp/bug-registry.ts';

/** A seeded bug's name (an empty or unknown name is a UsageError, exit 2); undefined = no bug. */
export function bugFlag(raw: string | undefined): BugName | undefined {
  return raw === undefined ? undefined : findBug(raw).name;
}
