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

test('model files touch the buffer only through the seam', (t) => {
  // audit.ts is exempt: a quiescent checker that reads the buffer directly
  const files = tsFiles(fileURLToPath(new URL('../src/seccomp/', import.meta.url)), (name) => name === 'audit.ts');
  const offenders: string[] = [];
  for (const f of files) {
    readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/diagnostic only/.test(line)) return;
        if (/\bAtomics\.|\bctx\.m\[|\bthis\.m\[/.test(line)) offenders.push(`${f}:${i + 1}: ${line.trim()}`);
      });
  }
  t.deepEqual(offenders, []);
});
