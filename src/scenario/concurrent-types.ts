/**
 * The concurrent scenario format: sequential `setup` steps, then `actors` (per
 * thread, ops that run concurrently with the other actors), and optional graded
 * `outcomes`. Read by `explore` (controlled schedules) and `litmus` (real timing):
 * both engines must agree on it. A contract: keep key names and shapes exactly.
 *
 *   { "name": "tsync_vs_clone", "threads": ["main", "a"],
 *     "designs": ["merged", "force-compose"],                 (optional: where it applies)
 *     "setup":  [ { "thread": "main", "op": "set_nnp" } ],
 *     "actors": { "main": [ { "op": "attach", "filter": "F", "flags": ["tsync"] } ],
 *                 "a":    [ { "op": "clone", "child": "b" } ] },
 *     "outcomes": [ { "match": { ...partial ConcurrentResult... }, "expect": "forbidden", "desc": "..." },
 *                   { "expect": "acceptable" } ] }
 *
 * Result of one run:
 *   { "setup": [step results], "actors": { "<thread>": [its step results] }, "threads": { final state } }
 */
import type { Flag, Step, StepResult, ThreadState } from './types.ts';

/**
 * Ops an actor may run: the sequential ops, a lockless syscall entry (filter walk), and
 * `tsync_retry`: the design's caller loop installing `filter` on every thread
 * (src/seccomp/retry.ts), up to RETRY_ATTEMPTS attempts while TSYNC is refused; when
 * it reports success, the retry postcondition is checked (every live thread has it).
 */
export const ACTOR_OPS = ['set_nnp', 'attach', 'clone', 'exit', 'sync', 'syscall', 'tsync_retry'] as const;
export type ActorOpName = (typeof ACTOR_OPS)[number];

/** Attempts of a `tsync_retry` caller loop before it gives up (the loop waits between them: other actors run). */
export const RETRY_ATTEMPTS = 3;

/** Does `op` install a filter (and so get a label of its own)? */
export function installsFilter(op: { op: string }): boolean {
  return op.op === 'attach' || op.op === 'tsync_retry';
}

export interface ActorOp {
  op: ActorOpName;
  filter?: string;
  flags?: Flag[];
  insns?: number;
  child?: string;
}

export const GRADES = ['acceptable', 'interesting', 'forbidden'] as const;
export type Grade = (typeof GRADES)[number];

export interface OutcomeRule {
  /** partial pattern over the result; absent = matches every result */
  match?: unknown;
  expect: Grade;
  desc?: string;
}

export interface ConcurrentScenario {
  name: string;
  privileged: boolean;
  threads: string[];
  /** designs the file applies to (default: every design) */
  designs: string[] | null;
  setup: Step[];
  /** actor thread names, in file order */
  actorNames: string[];
  actors: Record<string, ActorOp[]>;
  outcomes: OutcomeRule[];
}

export interface ConcurrentResult {
  setup: StepResult[];
  actors: Record<string, StepResult[]>;
  threads: Record<string, ThreadState>;
}
