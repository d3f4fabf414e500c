// The folders of src/ point one way: no import points up the layer table
// (test/helpers/layers.ts, LAYERS) and no folders form a cycle. The checker is
// fed synthetic graphs first, so it is seen to fail.
import test from 'ava';
import { crossFolderRefs, folderGraph, formatGraph, layerProblems, LAYERS, refsOf, type Ref } from './helpers/layers.ts';

const ref = (file: string, target: string, spec = `../${target}`): Ref => ({ file, spec, target, kind: 'import' });
const LAYERS3 = [['low'], ['mid', 'side'], ['top']];

test('negative control: an import that points up is reported, naming the file and the import', (t) => {
  const p = layerProblems([ref('low/a.ts', 'mid/b.ts'), ref('top/c.ts', 'low/a.ts')], LAYERS3, {});
  t.is(p.length, 1);
  t.regex(p[0]!, /^up: src\/low\/a\.ts \(low, layer 1\) imports '\.\.\/mid\/b\.ts' \(mid, layer 2\)/);
});

test('negative control: folders of one layer that import each other form a reported cycle', (t) => {
  const p = layerProblems([ref('mid/a.ts', 'side/b.ts'), ref('side/b.ts', 'mid/c.ts'), ref('mid/a.ts', 'low/x.ts')], LAYERS3, {});
  t.is(p.length, 1);
  t.regex(p[0]!, /^cycle between folders mid, side/);
  t.regex(p[0]!, /src\/mid\/a\.ts imports '\.\.\/side\/b\.ts'/);
  t.regex(p[0]!, /src\/side\/b\.ts imports '\.\.\/mid\/c\.ts'/);
});

test('negative control: a folder in no layer is reported; a declared upward reference is not', (t) => {
  t.regex(layerProblems([ref('low/a.ts', 'new/b.ts')], LAYERS3, {})[0]!, /src\/new is in no layer/);
  t.deepEqual(layerProblems([ref('low/a.ts', 'mid/b.ts')], LAYERS3, { 'low/a.ts -> mid/b.ts': 'why' }), []);
  t.deepEqual(layerProblems([ref('top/a.ts', 'low/b.ts'), ref('mid/a.ts', 'side/b.ts')], LAYERS3, {}), []);
});

test('every kind of module reference is an edge: import, import type, export from, import(), new URL(…, import.meta.url)', (t) => {
  const src = [
    "import { a } from '../shared/a.ts';",
    "import type { B } from '../locks/b.ts';",
    "export { c } from '../seccomp/c.ts';",
    "const d = await import('../workers/d.ts');",
    "const e = new URL('../stress/e-worker.ts', import.meta.url);",
    "const f = new URL('./assets/', import.meta.url);", // a folder, not a module
    "import { g } from 'node:fs';", // a package
    "const h = await import(computed);", // a run-time URL: no edge
  ].join('\n');
  const refs = refsOf('/r/src', '/r/src/cli/x.ts', src);
  t.deepEqual(
    refs.map((r) => `${r.kind} ${r.target}`),
    ['import shared/a.ts', 'import locks/b.ts', 'export seccomp/c.ts', 'dynamic workers/d.ts', 'url stress/e-worker.ts'],
  );
});

test('src/ has no upward import and no folder cycle', (t) => {
  const refs = crossFolderRefs();
  t.log(`layers (bottom up): ${LAYERS.map((l) => l.join(' ')).join(' | ')}`);
  t.log(`folder graph:\n${formatGraph(folderGraph(refs))}`);
  const problems = layerProblems(refs);
  t.deepEqual(problems, [], problems.join('\n'));
});
