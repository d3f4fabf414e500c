/**
 * What `explore` and `replay` share on the command line: the workload (a concurrent
 * scenario file, or the stress workload when no FILE is given), the world (design,
 * bug, scope, lock kinds) and their checks. Every problem is one UsageError line.
 */
import { UsageError } from '../shared/usage-error.ts';
import { findBug } from '../seccomp/bug-registry.ts';
import { WORLD_FLAGS, designFor, parseWorldFlags } from '../seccomp/world-flags.ts';
import { readConcurrentFile, type ConcurrentFile } from '../scenario/concurrent-parse.ts';
import { ProbeWorkload, ScenarioWorkload, StressWorkload, type Workload } from './workloads.ts';
import { PROBES, type Probe } from './actors.ts';
import type { World } from './session.ts';
import { intFlag } from '../shared/flags.ts';

export const WORLD_OPTIONS = {
  ...WORLD_FLAGS,
  'grant-locks': { type: 'boolean', default: false },
  threads: { type: 'string' },
  ops: { type: 'string' },
  json: { type: 'boolean', default: false },
  // testing only: the probes and the negative control of the nondeterminism check
  probe: { type: 'string' },
  inject: { type: 'boolean', default: false },
} as const;

export interface WorldValues {
  design?: string;
  bug?: string;
  scope?: string;
  lock?: string[];
  /** the scheduler grants locks: lock code is not explored (faster) */
  'grant-locks'?: boolean;
  threads?: string;
  ops?: string;
  probe?: string;
}

/**
 * Why a seeded bug cannot be explored, or null: with --grant-locks, a bug that replaces
 * a lock kind lives inside the lock word's acquire, where the scheduler has no point
 * (it grants locks itself). By default lock code runs under the scheduler: every bug can.
 */
function uncontrollable(bug: string, grantLocks: boolean): string | null {
  return grantLocks && findBug(bug).locks !== undefined ? "its race is inside a lock word's acquire, which --grant-locks does not explore (the scheduler grants locks itself); drop --grant-locks" : null;
}

/** The explore command that hunts a stress run's violation under control, or null if its bug cannot be. */
export function exploreCommandFor(o: { design: string; bug: string | null; scope: string; seed: number }): string | null {
  if (o.bug && uncontrollable(o.bug, false)) return null;
  return `npx tsync-lab explore --design ${o.design}${o.bug ? ` --bug ${o.bug}` : ''}${o.scope !== 'siglock' ? ` --scope ${o.scope}` : ''} --strategy pct --seed ${o.seed}`;
}

export function parseWorld(v: WorldValues, defaults: { design?: string; bug?: string | null; scope?: string; grantLocks?: boolean }, file: ConcurrentFile | null): World {
  const grantLocks = v['grant-locks'] === true || defaults.grantLocks === true;
  const w = parseWorldFlags(v, {
    ...defaults,
    command: 'explore',
    noNative: 'is V8\'s Atomics.Mutex, whose waiting happens inside V8 where the controlled scheduler cannot step (and cannot be split into acquire and release); choose another kind',
  });
  const designs = file?.scenario.designs;
  const design = designFor(w, designs);
  if (design === null) throw new UsageError(`${file!.scenario.name}: the file applies to design(s) ${designs!.join(', ')}, not ${w.design}`);
  const bug = w.bug?.name ?? null;
  if (bug) {
    const why = uncontrollable(bug, grantLocks);
    if (why) throw new UsageError(`explore: bug "${bug}" cannot be explored: ${why}`);
  }
  return { design, bug, scope: w.scope, plan: w.plan, grantLocks };
}

export function readFileArg(path: string | undefined): ConcurrentFile | null {
  return path === undefined ? null : readConcurrentFile(path);
}

/** The workload a command line names: FILE, the stress workload, or (tests) a probe. */
export function workloadFrom(v: WorldValues, file: ConcurrentFile | null): Workload {
  if (v.probe !== undefined) {
    const [name, k, n] = v.probe.split('.');
    if (!(PROBES as readonly string[]).includes(name!)) throw new UsageError(`--probe: one of ${PROBES.join(', ')}, got "${v.probe}"`);
    return new ProbeWorkload(name as Probe, intFlag('probe', k ?? '1', 1, 1, 64), intFlag('probe', n ?? '2', 2, 2, 8));
  }
  if (file) {
    if (v.threads !== undefined || v.ops !== undefined) throw new UsageError('--threads and --ops size the stress workload: give them without FILE');
    return new ScenarioWorkload(file);
  }
  return new StressWorkload(intFlag('threads', v.threads, 3, 2, 4), intFlag('ops', v.ops, 3, 1, 8));
}
