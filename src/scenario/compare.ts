/**
 * Comparing results: a full result against another (diff), or against a partial
 * expectation (`expect`: only the keys given are compared). Returns readable
 * difference lines, empty when they agree.
 */
import type { PartialResult, Result } from './types.ts';

function show(v: unknown): string {
  return v === undefined ? '(missing)' : JSON.stringify(v);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Differences between `expected` (possibly partial) and `actual`. Labels name the
 * two sides in the lines, e.g. ("expected", "model") or ("model", "kernel").
 */
export function compareResults(expected: PartialResult | Result, actual: Result, labels: [string, string] = ['expected', 'actual']): string[] {
  const [le, la] = labels;
  const out: string[] = [];
  const steps = expected.steps as Record<string, unknown>[] | undefined;
  if (steps) {
    steps.forEach((exp, i) => {
      const act = actual.steps[i] as unknown as Record<string, unknown> | undefined;
      for (const key of Object.keys(exp)) {
        if (!same(exp[key], act?.[key])) out.push(`steps[${i}].${key}: ${le} ${show(exp[key])}, ${la} ${show(act?.[key])}`);
      }
    });
  }
  const threads = expected.threads as Record<string, Record<string, unknown>> | undefined;
  if (threads) {
    for (const [name, exp] of Object.entries(threads)) {
      const act = actual.threads[name] as unknown as Record<string, unknown> | undefined;
      for (const key of Object.keys(exp)) {
        if (!same(exp[key], act?.[key])) out.push(`threads.${name}.${key}: ${le} ${show(exp[key])}, ${la} ${show(act?.[key])}`);
      }
    }
  }
  return out;
}

/** Symmetric comparison of two full results (every key of either side). */
export function diffResults(a: Result, b: Result, labels: [string, string]): string[] {
  const out = compareResults(a, b, labels);
  if (a.steps.length !== b.steps.length) out.push(`steps: ${labels[0]} has ${a.steps.length}, ${labels[1]} has ${b.steps.length}`);
  for (const name of Object.keys(b.threads)) if (!(name in a.threads)) out.push(`threads.${name}: only in ${labels[1]}`);
  // keys present only on b's side of a thread or step
  b.steps.forEach((s, i) => {
    const as = a.steps[i] as unknown as Record<string, unknown> | undefined;
    for (const k of Object.keys(s)) if (as && !(k in as)) out.push(`steps[${i}].${k}: ${labels[0]} (missing), ${labels[1]} ${show((s as unknown as Record<string, unknown>)[k])}`);
  });
  for (const [name, t] of Object.entries(b.threads)) {
    const at = a.threads[name] as unknown as Record<string, unknown> | undefined;
    if (!at) continue;
    for (const k of Object.keys(t)) if (!(k in at)) out.push(`threads.${name}.${k}: ${labels[0]} (missing), ${labels[1]} ${show((t as unknown as Record<string, unknown>)[k])}`);
  }
  return out;
}
