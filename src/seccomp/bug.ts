/**
 * What a seeded bug is: a deliberately broken variant of the model, most of them
 * bugs the real kernel had (reference §8). Each lives in one file under bugs/, which
 * holds its catalogue entry and its replacement operations (src/seccomp/ops.ts);
 * the correct model contains no trace of it.
 *
 * Adding a bug is adding one file under bugs/ that
 *   - adds its name to `BugRegistry` (so the name type-checks everywhere), and
 *   - default-exports `defineBug({ name, ... })`.
 * bug-registry.ts loads every file of the folder.
 *
 * A replacement overrides the ONE step it breaks (the smallest in ops.ts that holds
 * the difference) and reaches every other step through `ctx.ops`, so it stays one
 * honest difference from the correct code (test/bug-steps.test.ts holds each bug to
 * its steps). It asserts its lock contract under the name of the step it stands in
 * for: the report names that step, and `breaks` matches on it.
 */
import type { Layout, LockUse } from '../shared/layout.ts';
import type { Lock, LockOptions } from '../locks/lock.ts';
import type { ViolationKind } from './violations.ts';
import type { ModelOps } from './ops.ts';
import type { BrokenContract } from './context.ts';

/** Every bug file adds `'its-name': true` here (declaration merging). */
export interface BugRegistry {}
export type BugName = keyof BugRegistry & string;

/** Builds a replacement for one lock (worker-local handle over the shared lock words). */
export type LockFactory = (m: Int32Array, L: Layout, id: number, worker: number, opts: LockOptions) => Lock;

export interface Bug {
  name: BugName;
  origin: string;
  /** the stress run must report a violation of (at least) one of these kinds */
  catches: ViolationKind[];
  /** what goes wrong, one line */
  effect: string;
  /** noise probability that makes it show up fast (0 = none needed) */
  noise: number;
  /** op mix override that exposes it (stress syntax), if the default is poor */
  mix?: string;
  /** the operations it replaces */
  ops: Partial<ModelOps>;
  /** locks it replaces, by use (every lock of that use) */
  locks?: Partial<Record<LockUse, LockFactory>>;
  /** lock contracts its replacements break on purpose (every other assert stays on) */
  breaks?: BrokenContract[];
}

export function defineBug<B extends Bug>(b: B): B {
  return b;
}
