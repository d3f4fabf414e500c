/**
 * Grading a concurrent result against a file's `outcomes`, and the canonical one-line
 * rendering of an outcome (litmus histograms it; explore prints it).
 *
 * A `match` is a partial pattern: objects match key by key for the keys given, arrays
 * element-wise and must have equal length, anything else by equality. The first
 * matching rule grades. A file without rules accepts every result; a result that no
 * rule matches is forbidden ("not listed"). Checker violations are always forbidden
 * (the engines grade them before calling this).
 */
import type { StepResult, ThreadState } from './types.ts';
import type { ConcurrentResult, ConcurrentScenario, Grade } from './concurrent-types.ts';

export function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    if (!Array.isArray(value) || value.length !== pattern.length) return false;
    for (let i = 0; i < pattern.length; i++) if (!matches(pattern[i], value[i])) return false;
    return true;
  }
  if (pattern !== null && typeof pattern === 'object') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const v = value as Record<string, unknown>;
    for (const [k, p] of Object.entries(pattern as Record<string, unknown>)) if (!matches(p, v[k])) return false;
    return true;
  }
  return pattern === value;
}

export interface Graded {
  expect: Grade;
  /** the matching rule's desc ("" when it has none; "not listed" when no rule matched) */
  desc: string;
  /** index of the matching rule, -1 when none */
  rule: number;
}

export function grade(s: ConcurrentScenario, r: ConcurrentResult): Graded {
  if (s.outcomes.length === 0) return { expect: 'acceptable', desc: '', rule: -1 };
  for (let i = 0; i < s.outcomes.length; i++) {
    const o = s.outcomes[i]!;
    if (o.match === undefined || matches(o.match, r)) return { expect: o.expect, desc: o.desc ?? '', rule: i };
  }
  return { expect: 'forbidden', desc: 'not listed in outcomes', rule: -1 };
}

function renderStep(r: StepResult): string {
  if (r.result === 'ok') return 'ok';
  if (r.result === 'error') return r.errno;
  return `tsync_failed:${r.thread}`;
}

function renderThread(t: ThreadState): string {
  if (!t.alive) return 'exited';
  return `${t.mode === 'filter' ? `filter[${t.filters.join('>')}]` : 'disabled'}${t.nnp ? ',nnp' : ''}`;
}

/**
 * Canonical one-line rendering of an outcome: the actors' results in file order, then
 * every thread's final state in name order. Setup results are left out (they are the
 * same in every run of a file).
 *   "main=ok a=ok | a=filter[F],nnp b=filter[F],nnp main=filter[F],nnp"
 */
export function renderOutcome(s: ConcurrentScenario, r: ConcurrentResult): string {
  const actors = s.actorNames.map((a) => `${a}=${(r.actors[a] ?? []).map(renderStep).join(',')}`).join(' ');
  const threads = Object.keys(r.threads)
    .sort()
    .map((n) => `${n}=${renderThread(r.threads[n]!)}`)
    .join(' ');
  return `${actors} | ${threads}`;
}
