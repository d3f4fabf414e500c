/**
 * Lock kinds by name, and lock roles (which lock of the model a kind is used for).
 * Adding a kind is adding a file and one line to KIND_CTORS.
 */
import type { Layout } from '../shared/layout.ts';
import { UsageError } from '../shared/usage-error.ts';
import { DEFAULT_LOCK_OPTIONS, type Lock, type LockOptions } from './lock.ts';
import { TasLock } from './tas.ts';
import { TtasLock } from './ttas.ts';
import { TicketLock } from './ticket.ts';
import { McsLock } from './mcs.ts';
import { RwLock } from './rw.ts';
import { FutexLock } from './futex.ts';
import { AdaptiveLock } from './adaptive.ts';
import { NativeLock, nativeAvailable, type NativeMutex } from './native.ts';
import { UserLock, isUserLockKind, isUserLockSpec, resolveUserLock, userLockDef, type UserLockKind } from './user.ts';

export const LOCK_KINDS = ['tas', 'ttas', 'ticket', 'mcs', 'rw', 'futex', 'adaptive', 'native'] as const;
export type BuiltinLockKind = (typeof LOCK_KINDS)[number];
/** a built-in kind, or a user's lock module (src/locks/user.ts, docs/locks.md) */
export type LockKind = BuiltinLockKind | UserLockKind;

type Ctor = new (m: Int32Array, layout: Layout, id: number, worker: number, opts: LockOptions) => Lock;
const KIND_CTORS: Record<Exclude<BuiltinLockKind, 'native'>, Ctor> = {
  tas: TasLock,
  ttas: TtasLock,
  ticket: TicketLock,
  mcs: McsLock,
  rw: RwLock,
  futex: FutexLock,
  adaptive: AdaptiveLock,
};


function isLockKind(name: string): name is BuiltinLockKind {
  return (LOCK_KINDS as readonly string[]).includes(name);
}

/** A built-in kind by name, or a user's lock module by path (checked to exist; loaded later). */
export function parseLockKind(name: string): LockKind {
  if (isUserLockKind(name)) return name;
  if (isUserLockSpec(name)) return resolveUserLock(name);
  if (!isLockKind(name)) throw new UsageError(`unknown lock kind "${name}"; kinds: ${LOCK_KINDS.join(', ')}, or a lock module ./path/lock.mjs`);
  return name;
}

/** The model's lock roles. */
export const LOCK_ROLES = ['siglock', 'tasklist', 'cred_guard', 'threadgroup', 'arena', 'pidmap'] as const;
export type LockRole = (typeof LOCK_ROLES)[number];
export type LockPlan = Record<LockRole, LockKind>;

export const DEFAULT_LOCK_PLAN: LockPlan = {
  siglock: 'ttas',
  tasklist: 'rw',
  cred_guard: 'adaptive', // the kernel mutex spins while the owner runs, then sleeps
  threadgroup: 'rw',
  arena: 'ttas',
  pidmap: 'ttas',
};

export function parseLockRole(name: string): LockRole {
  if (!(LOCK_ROLES as readonly string[]).includes(name))
    throw new UsageError(`unknown lock role "${name}"; roles: ${LOCK_ROLES.join(', ')}`);
  return name as LockRole;
}

/** Which role a lock id plays (extra locks report as 'extra'). */
export function roleOf(layout: Layout, id: number): LockRole | 'extra' {
  return layout.lockUse(id);
}

/** The kind a plan gives lock `id` (extra locks: `extraKind`). */
export function kindFor(layout: Layout, id: number, plan: LockPlan, extraKind: LockKind): LockKind {
  const role = roleOf(layout, id);
  return role === 'extra' ? extraKind : plan[role];
}

/** Native mutexes live outside the buffer: one object per lock id, shared via workerData. */
export type NativeTable = (NativeMutex | null)[];

/**
 * One worker's handle on lock `id`. `natives`: the native mutexes by lock id, or the
 * one mutex of lock `id` (a kind other than native ignores it).
 */
export function makeLock(
  kind: LockKind,
  m: Int32Array,
  layout: Layout,
  id: number,
  worker: number,
  opts: LockOptions = DEFAULT_LOCK_OPTIONS,
  natives: NativeTable | NativeMutex | undefined = [],
): Lock {
  if (isUserLockKind(kind)) return new UserLock(m, layout, id, worker, opts, userLockDef(kind));
  if (kind === 'native') {
    const mutex = natives === undefined ? undefined : Array.isArray(natives) ? natives[id] : natives;
    if (!mutex) throw new UsageError(nativeAvailable() ? `no native mutex was created for ${layout.lockName(id)}` : NATIVE_UNAVAILABLE);
    return new NativeLock(m, layout, id, worker, opts, mutex);
  }
  return new KIND_CTORS[kind](m, layout, id, worker, opts);
}

export const NATIVE_UNAVAILABLE =
  'lock kind "native" needs V8\'s Atomics.Mutex: start node with --harmony-struct (the tsync-lab CLI re-executes itself with it when a native lock is asked for)';
