/**
 * The interleaving table of one execution, as Lincheck prints it: one column per
 * actor, one row per step (a run of one actor between two switches), with the ops it
 * started, the lock events, race windows, and the point at which it was switched out.
 * Plain and atomic accesses in between are counted, not listed.
 */
import { POINT } from '../shared/seam.ts';
import type { Layout } from '../shared/layout.ts';
import { EVK, LK_NAMES } from './ctl.ts';
import { describeEvent } from './controller.ts';
import type { WordNamer } from './words.ts';

export interface TableInput {
  L: Layout;
  names: readonly string[];
  trace: Int32Array;
  /** op i of actor a, e.g. "attach F [tsync]" */
  describeOp(actor: number, i: number): string;
  /** op i's result, if known */
  resultOf?(actor: number, i: number): string | undefined;
  /** how to name a word (default: the layout's names) */
  wordName?: WordNamer;
}

const WIDTH = 34;

function wrap(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += WIDTH) out.push(s.slice(i, i + WIDTH));
  return out.length ? out : [''];
}

export function interleavingTable(t: TableInput): string {
  const rows: { actor: number; lines: string[] }[] = [];
  let cur = -1;
  let lines: string[] = [];
  let accesses = 0;
  let last = '';
  const flush = () => {
    if (cur < 0) return;
    if (accesses > 0) lines.push(`(${accesses} access${accesses === 1 ? '' : 'es'})`);
    if (last) lines.push(`» switch at ${last}`);
    rows.push({ actor: cur, lines });
  };
  for (let i = 0; i < t.trace.length; i += 2) {
    const w = t.trace[i]!;
    const actor = w & 15;
    const kind = w >>> 4;
    const arg = t.trace[i + 1]!;
    if (actor !== cur) {
      flush();
      cur = actor;
      lines = [];
      accesses = 0;
    }
    last = '';
    if (accesses > 0 && LK_NAMES[kind] === undefined && kind !== POINT.LOAD && kind !== POINT.STORE && kind !== POINT.ALOAD && kind !== POINT.ASTORE && kind !== POINT.CAS && kind !== POINT.ADD) {
      lines.push(`(${accesses} access${accesses === 1 ? '' : 'es'})`);
      accesses = 0;
    }
    switch (kind) {
      case EVK.OP_START:
        lines.push(`▶ ${t.describeOp(actor, arg)}`);
        break;
      case EVK.OP_END: {
        const r = t.resultOf?.(actor, arg);
        lines.push(`◀ ${r ?? 'done'}`);
        break;
      }
      case EVK.FINISH:
        break;
      case EVK.ACQUIRED:
      case EVK.RELEASING:
      case EVK.BLOCK:
      case POINT.WINDOW:
        lines.push(describeEvent(t.L, kind, arg, t.wordName));
        last = kind === POINT.WINDOW ? describeEvent(t.L, kind, arg, t.wordName) : '';
        break;
      case POINT.ACQUIRE:
      case POINT.RELEASE:
        last = describeEvent(t.L, kind, arg, t.wordName);
        break;
      default:
        last = describeEvent(t.L, kind, arg, t.wordName);
        // lock code's own operations (real-lock mode) are listed: they are the lock's algorithm
        if (LK_NAMES[kind] !== undefined) lines.push(last);
        else accesses++;
    }
  }
  // the last run ends the execution: no switch
  last = '';
  flush();
  const n = t.names.length;
  const head = ['step'.padEnd(5), ...t.names.map((x) => x.padEnd(WIDTH))].join(' | ');
  const sep = head.replace(/[^|]/g, '-');
  const out = [head, sep];
  rows.forEach((r, i) => {
    const cells = r.lines.flatMap(wrap);
    cells.forEach((line, j) => {
      const cols = Array.from({ length: n }, (_, a) => (a === r.actor ? line : '').padEnd(WIDTH));
      out.push([(j === 0 ? String(i + 1) : '').padEnd(5), ...cols].join(' | ').trimEnd());
    });
  });
  return out.join('\n') + '\n';
}
