/**
 * Quiescent audits: run when no worker is inside an op (stop-the-world barrier,
 * end of run, after each sequential step). They read the buffer directly.
 *   - refcount conservation (I1): refs(F) = tasks whose head is F + live children of F
 *   - no cycles, every chain ends (I5)
 *   - mode/head consistency for live tasks (I11)
 *   - no escape (I9): every live member carries its group's last successful TSYNC's filter
 *   - leak (I4): when every group has exited, no node is left allocated
 */
import { GROUP, MODE, NODE, TASK, TSTATE, handleGen, handleSlot, makeHandle, type Layout } from '../shared/layout.ts';
import type { Violation } from './violations.ts';
import { fmtNode } from './filter.ts';

export interface AuditResult {
  liveNodes: number;
  violations: Violation[];
}

function v(kind: Violation['kind'], message: string, tasks: number[] = [], nodes: number[] = []): Violation {
  return { kind, message, worker: -1, tasks, nodes };
}

export function audit(m: Int32Array, L: Layout, opts: { expectEmpty?: boolean } = {}): AuditResult {
  const out: Violation[] = [];
  const nF = L.cfg.maxFilters;
  const expected = new Int32Array(nF);
  const allocated = new Uint8Array(nF);
  let liveNodes = 0;
  const handleOk = (h: number): boolean => {
    const s = handleSlot(h);
    return s >= 0 && s < nF && allocated[s] === 1 && handleGen(h) === Atomics.load(m, L.node(s) + NODE.GEN);
  };
  /**
   * The one chain walk of the audit: from `head` along prev links while the handles are
   * live, at most nF + 1 steps; `stop` ends it early. Returns the nodes walked (> nF:
   * the chain does not end). filter.ts has the model's walks; they go through the seam,
   * this one reads the quiescent buffer.
   */
  const walk = (head: number, stop?: (h: number) => boolean): number => {
    let n = 0;
    for (let h = head; h !== 0 && handleOk(h) && n <= nF; n++) {
      if (stop?.(h)) break;
      h = m[L.node(handleSlot(h)) + NODE.PREV]!;
    }
    return n;
  };
  for (let s = 0; s < nF; s++) {
    if (Atomics.load(m, L.node(s) + NODE.ALLOC) === 1) {
      allocated[s] = 1;
      liveNodes++;
    }
  }
  // children links
  for (let s = 0; s < nF; s++) {
    if (!allocated[s]) continue;
    const prev = m[L.node(s) + NODE.PREV]!;
    if (prev === 0) continue;
    if (!handleOk(prev)) {
      out.push(v('use-after-free', `live node #${s} links to freed parent ${fmtNode(prev)}`, [], [prev]));
      continue;
    }
    expected[handleSlot(prev)]!++;
  }
  // task heads
  for (let s = 0; s < L.cfg.maxTasks; s++) {
    const at = L.task(s);
    const state = Atomics.load(m, at + TASK.STATE);
    if (state === TSTATE.FREE) continue;
    const head = Atomics.load(m, at + TASK.HEAD);
    const tid = m[at + TASK.TID]!;
    if (head !== 0) {
      if (!handleOk(head)) out.push(v('use-after-free', `thread ${tid} points at freed node ${fmtNode(head)}`, [tid], [head]));
      else expected[handleSlot(head)]!++;
    }
    if (state === TSTATE.ALIVE) {
      // I13: filter_count (reported in /proc) is the chain's length
      const len = walk(head);
      const count = Atomics.load(m, at + TASK.FILTER_COUNT);
      if (count !== len) out.push(v('filter-count', `thread ${tid}: filter_count ${count} but its chain has ${len} filter(s)`, [tid], [head]));
      const mode = Atomics.load(m, at + TASK.MODE);
      if ((mode === MODE.FILTER) !== (head !== 0))
        out.push(v('mode-head', `thread ${tid}: mode ${mode === MODE.FILTER ? 'filter' : 'disabled'} with head ${fmtNode(head)}`, [tid], [head]));
    }
  }
  for (let s = 0; s < nF; s++) {
    if (!allocated[s]) continue;
    const refs = Atomics.load(m, L.node(s) + NODE.REFS);
    if (refs !== expected[s]) {
      const h = makeHandle(s, Atomics.load(m, L.node(s) + NODE.GEN));
      out.push(v('refcount-mismatch', `node ${fmtNode(h)}: refs ${refs} but ${expected[s]} holders (heads + live children)`, [], [h]));
    }
  }
  // cycles: every chain from a live node must end within nF steps
  for (let s = 0; s < nF; s++) {
    if (!allocated[s]) continue;
    if (walk(makeHandle(s, Atomics.load(m, L.node(s) + NODE.GEN))) > nF) {
      out.push(v('cycle', `chain from node #${s} does not end`, [], []));
      break;
    }
  }
  // no escape (I9): every live member of a group carries its last successful TSYNC's filter
  for (let s = 0; s < L.cfg.maxTasks; s++) {
    const at = L.task(s);
    if (Atomics.load(m, at + TASK.STATE) !== TSTATE.ALIVE) continue;
    const g = m[at + TASK.GROUP]!;
    const label = m[L.group(g) + GROUP.LAST_TSYNC_LABEL]!;
    if (label === 0) continue;
    let found = false;
    walk(Atomics.load(m, at + TASK.HEAD), (h) => (found = m[L.node(handleSlot(h)) + NODE.LABEL] === label));
    if (!found) out.push(v('escape', `thread ${m[at + TASK.TID]} of group ${g} lacks filter ${label} of the group's last successful TSYNC`, [m[at + TASK.TID]!]));
  }
  if (opts.expectEmpty) {
    let groupsLive = 0;
    for (let g = 0; g < L.cfg.groups; g++) if (Atomics.load(m, L.group(g) + GROUP.STATE) !== 0) groupsLive++;
    if (groupsLive === 0 && liveNodes !== 0) out.push(v('leak', `${liveNodes} filter node(s) still allocated after every thread exited`));
  }
  return { liveNodes, violations: capPerKind(out, MAX_PER_KIND) };
}

/** An audit may find thousands of broken nodes: keep the first few of each kind and say how many more. */
const MAX_PER_KIND = 4;
function capPerKind(list: Violation[], max: number): Violation[] {
  const seen = new Map<string, number>();
  const out: Violation[] = [];
  for (const x of list) {
    const n = (seen.get(x.kind) ?? 0) + 1;
    seen.set(x.kind, n);
    if (n <= max) out.push(x);
  }
  for (const [kind, n] of seen) if (n > max) out.push(v(kind as Violation['kind'], `... and ${n - max} more ${kind} finding(s) in this audit`));
  return out;
}
