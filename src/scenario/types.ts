/**
 * The scenario file format and the result format. Both are contracts other tools
 * read (the kernel runner, diff, conformance): keep key names and shapes exactly.
 *
 * Scenario:
 *   { "name": "...", "privileged": false, "threads": ["main", "sib1"],
 *     "steps": [ { "thread": "main", "op": "set_nnp" },
 *                { "thread": "main", "op": "attach", "filter": "root", "flags": ["tsync"], "insns": 1 },
 *                { "thread": "main", "op": "clone", "child": "t3" },
 *                { "thread": "t3", "op": "exit" },
 *                { "thread": "main", "op": "sync" } ],
 *     "expect": { ...partial Result... } }
 *
 * Result:
 *   { "steps": [ { "result": "ok" }, { "result": "error", "errno": "EACCES" },
 *                { "result": "tsync_failed", "thread": "sib1" } ],
 *     "threads": { "main": { "alive": true, "mode": "filter", "nnp": true, "filters": ["root"] },
 *                  "t3": { "alive": false } } }
 */
import type { Errno } from '../seccomp/errors.ts';

export type { Errno };

export const OPS = ['set_nnp', 'attach', 'clone', 'exit', 'sync'] as const;
export type Op = (typeof OPS)[number];
export const FLAGS = ['tsync', 'tsync_esrch'] as const;
export type Flag = (typeof FLAGS)[number];

export interface Step {
  thread: string;
  op: Op;
  /** attach: the new node's label */
  filter?: string;
  /** attach: flags */
  flags?: Flag[];
  /** attach: program length (default 1) */
  insns?: number;
  /** clone: the child's name */
  child?: string;
}

export interface Scenario {
  name: string;
  privileged: boolean;
  threads: string[];
  steps: Step[];
  expect?: PartialResult;
}

export type StepResult =
  | { result: 'ok' }
  | { result: 'error'; errno: Errno }
  | { result: 'tsync_failed'; thread: string };

export type ThreadState =
  | { alive: true; mode: 'disabled' | 'filter'; nnp: boolean; filters: string[] }
  | { alive: false };

export interface Result {
  steps: StepResult[];
  threads: Record<string, ThreadState>;
}

/** `expect`: any subset of the keys of a Result (thread states may be partial too). */
export interface PartialResult {
  steps?: Partial<Record<string, unknown>>[];
  threads?: Record<string, Partial<Record<string, unknown>>>;
}
