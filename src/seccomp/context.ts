/**
 * The execution context of model code on one worker: its seam (all shared memory
 * and lock traffic goes through it, and it keeps the held-lock stack), the design,
 * the operations in force (correct, or a seeded bug's replacements), the lock scope,
 * and where violations go.
 */
import type { Seam } from '../shared/seam.ts';
import type { Layout, LockUse } from '../shared/layout.ts';
import { EV, type EventRing } from '../shared/events.ts';
import type { Reporter, ViolationKind, Violation } from './violations.ts';
import { VIOLATION_KINDS } from './violations.ts';
import type { Design } from './design.ts';
import { CORRECT_OPS, type ModelOps } from './ops.ts';

/** Which lock serialises TSYNC against clone (the lock-scope experiment axis). */
export const SCOPES = ['siglock', 'tasklist', 'threadgroup'] as const;
export type Scope = (typeof SCOPES)[number];

/** A lock contract a seeded bug declares it breaks: `fn` runs without a lock of `lock`'s kind. */
export interface BrokenContract {
  fn: string;
  lock: LockUse;
}

export interface CtxOptions {
  design: Design;
  reporter: Reporter;
  scope?: Scope;
  /** run the online checkers (default true) */
  checking?: boolean;
  /** the operations in force (default: the correct ones) */
  ops?: ModelOps;
  /** lock contracts not asserted (a seeded bug's declared breaks) */
  broken?: readonly BrokenContract[];
}

export class Ctx {
  readonly L: Layout;
  readonly worker: number;
  readonly design: Design;
  readonly ops: ModelOps;
  readonly reporter: Reporter;
  readonly scope: Scope;
  readonly checking: boolean;
  readonly ring: EventRing;
  /** "fn/lockUse" of the contracts a seeded bug breaks on purpose */
  private readonly broken: ReadonlySet<string>;
  /** name of the op being run (violation context) */
  op = '';

  constructor(
    readonly seam: Seam,
    o: CtxOptions,
  ) {
    this.L = seam.layout;
    this.worker = seam.worker;
    this.design = o.design;
    this.ops = o.ops ?? CORRECT_OPS;
    this.reporter = o.reporter;
    this.scope = o.scope ?? 'siglock';
    this.checking = o.checking ?? true;
    this.ring = seam.ring;
    this.broken = new Set((o.broken ?? []).map((b) => `${b.fn}/${b.lock}`));
  }

  lock<T>(id: number, fn: () => T): T {
    return this.seam.withLock(id, true, fn);
  }

  readLock<T>(id: number, fn: () => T): T {
    return this.seam.withLock(id, false, fn);
  }

  /**
   * Debug assertion of a function's lock contract ("Expects siglock held"), as
   * lockdep_assert_held: a broken contract is a `lock-contract` violation (with the
   * function, the lock, what this worker holds and the op); the op goes on.
   */
  assertHeld(id: number, fn: string): void {
    if (this.seam.holds(id) || this.broken.has(`${fn}/${this.L.lockUse(id)}`)) return;
    const held = this.seam.held.map((h) => this.L.lockName(h)).join(', ') || 'nothing';
    this.violation('lock-contract', `${fn}: expects ${this.L.lockName(id)} held (worker ${this.worker} holds ${held})`);
  }

  violation(kind: ViolationKind, message: string, tasks: number[] = [], nodes: number[] = []): void {
    this.ring.push(EV.VIOLATION, VIOLATION_KINDS.indexOf(kind), 0);
    const v: Omit<Violation, 'worker'> = { kind, message, tasks, nodes };
    if (this.op) v.op = this.op;
    this.reporter.report(v);
  }
}
