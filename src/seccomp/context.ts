/**
 * The execution context of model code on one worker: its seam (all shared memory
 * and lock traffic goes through it), the design and seeded bug in force, where
 * violations go, and the locks this worker holds (for the lock-contract asserts).
 */
import type { Seam } from '../shared/seam.ts';
import type { Layout } from '../shared/layout.ts';
import { EV, type EventRing } from '../shared/events.ts';
import type { Reporter, ViolationKind, Violation } from './violations.ts';
import { VIOLATION_KINDS } from './violations.ts';
import type { Design } from './design.ts';

/** Which lock serialises TSYNC against clone (the lock-scope experiment axis). */
export const SCOPES = ['siglock', 'tasklist', 'threadgroup'] as const;
export type Scope = (typeof SCOPES)[number];

/** A broken lock contract or impossible state in the model itself: an internal error. */
export class ModelAssertionError extends Error {
  override readonly name = 'ModelAssertionError';
}

export interface CtxOptions {
  design: Design;
  bug?: string | null;
  reporter: Reporter;
  scope?: Scope;
  /** run the online checkers (default true) */
  checking?: boolean;
}

export class Ctx {
  readonly m: Int32Array;
  readonly L: Layout;
  readonly worker: number;
  readonly design: Design;
  readonly bug: string | null;
  readonly reporter: Reporter;
  readonly scope: Scope;
  readonly checking: boolean;
  /** lock-contract assertions; off while a seeded bug deliberately breaks a contract */
  readonly asserts: boolean;
  readonly ring: EventRing;
  /** locks held by this worker, innermost last (local: for the asserts only) */
  readonly held: number[] = [];
  /** name of the op being run (violation context) */
  op = '';
  /** counts of violations reported through this context */
  violations = 0;

  constructor(
    readonly seam: Seam,
    o: CtxOptions,
  ) {
    this.m = seam.m;
    this.L = seam.layout;
    this.worker = seam.worker;
    this.design = o.design;
    this.bug = o.bug ?? null;
    this.reporter = o.reporter;
    this.scope = o.scope ?? 'siglock';
    this.checking = o.checking ?? true;
    this.asserts = this.bug === null;
    this.ring = seam.ring;
  }

  lock<T>(id: number, fn: () => T): T {
    return this.take(id, true, fn);
  }

  readLock<T>(id: number, fn: () => T): T {
    return this.take(id, false, fn);
  }

  private take<T>(id: number, write: boolean, fn: () => T): T {
    const seam = this.seam;
    if (!seam.locks[id]!.splittable) {
      const body = () => this.inside(id, fn);
      return write ? seam.locked(id, body) : seam.readLocked(id, body);
    }
    // split acquire/release: no closure per lock operation on the hot path
    seam.acquire(id, write);
    this.held.push(id);
    try {
      return fn();
    } finally {
      this.held.pop();
      seam.release(id, write);
    }
  }

  private inside<T>(id: number, fn: () => T): T {
    this.held.push(id);
    try {
      return fn();
    } finally {
      this.held.pop();
    }
  }

  /** Debug assertion of a function's lock contract ("Expects siglock held"). */
  assertHeld(id: number, fn: string): void {
    if (this.asserts && !this.held.includes(id))
      throw new ModelAssertionError(`${fn}: expects ${this.L.lockName(id)} held (worker ${this.worker} holds ${this.held.map((h) => this.L.lockName(h)).join(', ') || 'nothing'})`);
  }

  violation(kind: ViolationKind, message: string, tasks: number[] = [], nodes: number[] = []): void {
    this.violations++;
    this.ring.push(EV.VIOLATION, VIOLATION_KINDS.indexOf(kind), 0);
    const v: Omit<Violation, 'worker'> = { kind, message, tasks, nodes };
    if (this.op) v.op = this.op;
    this.reporter.report(v);
  }
}
