/**
 * The layers of src/ and the folder-level import graph that must respect them.
 *
 * LAYERS is the one table of the layer order (the README's "How it is built"
 * draws it). A folder of src/ may import from its own layer or a lower one, never
 * from a higher one, and folders of one layer must not form a cycle. An edge is
 * any module reference the code makes:
 *   - static `import … from '…'`, `import '…'`, `import type …` and `export … from '…'`;
 *   - dynamic `import('…')` with a literal specifier;
 *   - `new URL('…', import.meta.url)` naming a .ts/.mjs/.js module (how worker
 *     entries and child processes are named).
 * A module the code loads by a URL computed at run time (the runtime loading the
 * engine body it is handed) is no edge; a literal reference that points up is an
 * error unless it is listed in DECLARED_UP with the reason.
 *
 * Run `node --import tsx test/helpers/layers.ts` to print the graph.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/** Bottom up: layer i may import layers 0..i. */
export const LAYERS: readonly (readonly string[])[] = [
  ['shared'], //                       1 layout, events, the seam, errors, rng
  ['locks'], //                        2 lock kinds, the lock interface, lockdep
  ['seccomp', 'scenario'], //          3 the model and the scenario files it runs
  ['workers'], //                      4 the runtime: pool, worker entry, bounded waits
  ['stress', 'explore', 'litmus', 'lock-lab', 'bench'], // 5 the engines
  ['experiment', 'kernel'], //         6 experiments, the kernel ground truth
  ['cli', 'api', 'junit'], //          7 front ends and report writers
];

/** Literal references that point up on purpose: `from -> to` (file paths under src/) with why. */
export const DECLARED_UP: Readonly<Record<string, string>> = {};

export interface Ref {
  /** the importing file, relative to src/ */
  file: string;
  /** the specifier as written */
  spec: string;
  /** the imported file, relative to src/ */
  target: string;
  kind: 'import' | 'export' | 'dynamic' | 'url';
}

export const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** The top folder of a path relative to src/ ('' for a file directly in src/). */
export function folderOf(rel: string): string {
  const i = rel.indexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

const MODULE_EXT = /\.(ts|mts|mjs|js)$/;

/** Every module reference of one source file that lands inside src/. */
export function refsOf(srcRoot: string, abs: string, text = readFileSync(abs, 'utf8')): Ref[] {
  const sf = ts.createSourceFile(abs, text, ts.ScriptTarget.ES2022, true);
  const file = relative(srcRoot, abs).split(sep).join('/');
  const out: Ref[] = [];
  const add = (spec: string, kind: Ref['kind']) => {
    if (!spec.startsWith('.')) return; // a package
    const target = relative(srcRoot, resolve(dirname(abs), spec)).split(sep).join('/');
    if (target.startsWith('..')) return; // outside src/ (bin/, package.json)
    out.push({ file, spec, target, kind });
  };
  const isImportMetaUrl = (e: ts.Expression) =>
    ts.isPropertyAccessExpression(e) &&
    e.name.text === 'url' &&
    ts.isMetaProperty(e.expression) &&
    e.expression.keywordToken === ts.SyntaxKind.ImportKeyword;
  const visit = (n: ts.Node) => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) add(n.moduleSpecifier.text, 'import');
    else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) add(n.moduleSpecifier.text, 'export');
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const a = n.arguments[0];
      if (a && (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a))) add(a.text, 'dynamic');
    } else if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'URL') {
      const [a, b] = n.arguments ?? [];
      if (a && b && (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a)) && isImportMetaUrl(b) && MODULE_EXT.test(a.text)) add(a.text, 'url');
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      add(n.argument.literal.text, 'import');
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The module files under src/ (.ts, and the .mjs worker bootstrap). */
export function moduleFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.(ts|mjs)$/.test(e.name)) out.push(join(d, e.name));
    }
  };
  walk(root);
  return out.sort();
}

/** Every reference between two different top folders of src/. */
export function crossFolderRefs(srcRoot = SRC): Ref[] {
  return moduleFiles(srcRoot)
    .flatMap((f) => refsOf(srcRoot, f))
    .filter((r) => folderOf(r.file) !== folderOf(r.target));
}

/** folder -> folder -> how many references */
export type FolderGraph = Map<string, Map<string, number>>;

export function folderGraph(refs: readonly Ref[]): FolderGraph {
  const g: FolderGraph = new Map();
  for (const r of refs) {
    const a = folderOf(r.file);
    const b = folderOf(r.target);
    if (a === b) continue;
    const row = g.get(a) ?? new Map<string, number>();
    row.set(b, (row.get(b) ?? 0) + 1);
    g.set(a, row);
  }
  return g;
}

export function formatGraph(g: FolderGraph): string {
  return [...g.keys()]
    .sort()
    .map((a) => `${a} -> ${[...g.get(a)!.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([b, n]) => `${b}(${n})`).join(' ')}`)
    .join('\n');
}

/** The layer index of each folder of a layer table. */
export function layerIndex(layers: readonly (readonly string[])[]): Map<string, number> {
  const m = new Map<string, number>();
  layers.forEach((fs, i) => fs.forEach((f) => m.set(f, i)));
  return m;
}

/** The strongly connected components of more than one folder (Tarjan). */
export function folderCycles(g: FolderGraph): string[][] {
  const nodes = new Set<string>();
  for (const [a, row] of g) {
    nodes.add(a);
    for (const b of row.keys()) nodes.add(b);
  }
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of [...nodes].sort()) if (!index.has(v)) strong(v);
  return out;
}

/**
 * The problems of a set of cross-folder references against a layer table: a file
 * outside any declared folder, a reference that points up (unless declared), and
 * folder cycles. Each problem names the file and the import. Empty = honest.
 */
export function layerProblems(
  refs: readonly Ref[],
  layers: readonly (readonly string[])[] = LAYERS,
  declaredUp: Readonly<Record<string, string>> = DECLARED_UP,
): string[] {
  const at = layerIndex(layers);
  const problems: string[] = [];
  const undeclared = new Set<string>();
  for (const r of refs) {
    const a = folderOf(r.file);
    const b = folderOf(r.target);
    if (a === b) continue;
    for (const f of [a, b]) {
      if (!at.has(f) && !undeclared.has(f)) {
        undeclared.add(f);
        problems.push(`src/${f || '.'} is in no layer (${r.file} imports '${r.spec}'): add it to LAYERS`);
      }
    }
    const la = at.get(a);
    const lb = at.get(b);
    if (la === undefined || lb === undefined) continue;
    if (lb > la && !declaredUp[`${r.file} -> ${r.target}`]) {
      problems.push(`up: src/${r.file} (${a}, layer ${la + 1}) imports '${r.spec}' (${b}, layer ${lb + 1})`);
    }
  }
  const g = folderGraph(refs);
  for (const comp of folderCycles(g)) {
    const loop = shortestLoop(g, comp);
    const lines = loop.slice(0, -1).map((a, i) => {
      const b = loop[i + 1]!;
      const r = refs.filter((x) => folderOf(x.file) === a && folderOf(x.target) === b);
      const more = r.length > 1 ? ` (and ${r.length - 1} more)` : '';
      return `    src/${r[0]!.file} imports '${r[0]!.spec}'${more}`;
    });
    problems.push(`cycle between folders ${comp.join(', ')}, e.g. ${loop.join(' -> ')}:\n${lines.join('\n')}`);
  }
  return problems;
}

/** A shortest folder loop inside one strongly connected component, first folder repeated last. */
function shortestLoop(g: FolderGraph, comp: readonly string[]): string[] {
  const inComp = new Set(comp);
  const start = comp[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of g.get(v)?.keys() ?? []) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = prev.get(x)!) path.unshift(x);
        path.unshift(start);
        return path;
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...comp, start];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const refs = crossFolderRefs();
  console.log(formatGraph(folderGraph(refs)));
  const p = layerProblems(refs);
  console.log(p.length ? `\n${p.length} problem(s):\n${p.join('\n')}` : '\nno upward import, no folder cycle');
}
