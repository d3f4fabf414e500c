/**
 * The seam: model code reaches shared memory and locks only through it, so an
 * engine hook (noise, lockdep, a controlled scheduler) sees every access and lock
 * operation. Proven two ways: a probe hook on a real scenario sees every kind of
 * point with balanced lock events, and the model's source never indexes the
 * buffer or calls Atomics itself (checkers' diagnostics are marked and exempt).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsFiles } from './helpers/sources.ts';
import { POINT, POINT_NAMES, type Hook } from '../src/shared/seam.ts';
import { parseScenarioFile } from '../src/scenario/parse.ts';
import { runScenarioFull } from '../src/scenario/run.ts';

class ProbeHook implements Hook {
  readonly points = new Array<number>(POINT_NAMES.length).fill(0);
  depth = 0;
  maxDepth = 0;
  point(kind: number): void {
    this.points[kind]!++;
  }
  acquired(): void {
    this.depth++;
    this.maxDepth = Math.max(this.maxDepth, this.depth);
  }
  releasing(): void {
    this.depth--;
  }
}

test('a hook on the seam sees every kind of access and balanced lock operations', (t) => {
  const s = parseScenarioFile(fileURLToPath(new URL('./scenarios/two_siblings_not_under_filter.json', import.meta.url)));
  const probe = new ProbeHook();
  const out = runScenarioFull(s, { design: 'merged', hook: probe });
  t.deepEqual(out.violations, []);
  for (const k of [POINT.LOAD, POINT.STORE, POINT.ALOAD, POINT.ASTORE, POINT.ADD, POINT.ACQUIRE, POINT.RELEASE]) t.true(probe.points[k]! > 0, `no ${POINT_NAMES[k]} point`);
  t.is(probe.points[POINT.ACQUIRE], probe.points[POINT.RELEASE]);
  t.is(probe.depth, 0, 'every acquired lock was released');
  t.true(probe.maxDepth >= 2, 'TSYNC nests cred_guard_mutex and siglock');
});

/** Lines of `text` that reach the shared buffer without the seam. */
function bufferAccesses(text: string): string[] {
  return text.split('\n').filter((line) => /\bAtomics\.|(?:^|[^\w.])m\[|\.m\[|\.m\s*,/.test(line));
}

test('the seam-discipline check finds direct buffer accesses (negative control)', (t) => {
  const offending = ['  const x = Atomics.load(ctx.m, at);', '  const m = ctx.m; m[at] = 1;', '  seam.m[at + 1] = 2;', '  foo(this.m, at);'];
  for (const line of offending) t.deepEqual(bufferAccesses(line), [line], line);
  t.deepEqual(bufferAccesses('  const h = ctx.seam.aload(at + TASK.HEAD);\n  items[i] = 1;'), []);
});

test('model files touch the buffer only through the seam', (t) => {
  // audit.ts is exempt: a quiescent checker that reads the buffer directly
  const files = tsFiles(fileURLToPath(new URL('../src/seccomp/', import.meta.url)), (name) => name === 'audit.ts');
  const offenders = files.flatMap((f) => bufferAccesses(readFileSync(f, 'utf8')).map((line) => `${f}: ${line.trim()}`));
  t.deepEqual(offenders, []);
});
