/**
 * The guard map: for every word of the buffer, which lock makes a *plain* access to it
 * safe. It is the machine-readable form of the field annotations in layout.ts
 * ([siglock], [tasklist+siglock], [pidmap], [arena], [immutable], [atomic]); a test
 * checks that every field of the model's records has an entry here.
 *
 * The controlled scheduler (src/explore) uses it to decide which plain LOAD/STORE is a
 * scheduling point: one made while not holding the lock that guards the word. Plain
 * accesses to immutable words (written once before the record is published) are never
 * points; plain accesses to words with no guard (atomic fields read or written plainly,
 * the header) always are.
 */
import { ALLOC, GROUP, HDR, LOCK, NODE, QNODE, TASK, LOCK_ID, type Layout } from './layout.ts';

/** Guard classes of a word. */
export const GUARD = {
  /** no lock guards it: a plain access is always a scheduling point */
  NONE: 0,
  /** written once before publication: never a point */
  IMMUTABLE: 1,
  /** the owning group's siglock */
  SIGLOCK: 2,
  /** tasklist_lock or the owning group's siglock: either suffices to read (writers hold both) */
  TASKLIST_OR_SIGLOCK: 3,
  PIDMAP: 4,
  ARENA: 5,
} as const;
export type GuardClass = (typeof GUARD)[keyof typeof GUARD];

type FieldGuards<F extends Record<string, number>> = Record<Exclude<keyof F, 'SIZE'>, GuardClass>;

/** struct task: see TASK in layout.ts. [atomic] fields written under siglock are guarded by it. */
export const TASK_GUARDS: FieldGuards<typeof TASK> = {
  GEN: GUARD.NONE, // [atomic], bumped under pidmap_lock on a slot on no list
  STATE: GUARD.SIGLOCK,
  GROUP: GUARD.IMMUTABLE, // [alloc]
  TID: GUARD.IMMUTABLE, // [alloc]
  MODE: GUARD.SIGLOCK,
  HEAD: GUARD.SIGLOCK,
  NNP: GUARD.NONE, // set-only by its owner with no lock
  NEXT: GUARD.TASKLIST_OR_SIGLOCK,
  PREVT: GUARD.TASKLIST_OR_SIGLOCK,
  FILTER_COUNT: GUARD.SIGLOCK,
  NEXT_FREE: GUARD.PIDMAP,
};

export const GROUP_GUARDS: FieldGuards<typeof GROUP> = {
  GEN: GUARD.NONE,
  STATE: GUARD.NONE,
  FIRST: GUARD.TASKLIST_OR_SIGLOCK,
  LAST: GUARD.TASKLIST_OR_SIGLOCK,
  NR_THREADS: GUARD.TASKLIST_OR_SIGLOCK,
  NR_LIVE: GUARD.SIGLOCK,
  LEADER: GUARD.SIGLOCK,
  PRIVILEGED: GUARD.IMMUTABLE, // constant while any of the process's threads lives
  LAST_TSYNC_LABEL: GUARD.SIGLOCK,
};

export const NODE_GUARDS: FieldGuards<typeof NODE> = {
  REFS: GUARD.NONE,
  PREV: GUARD.IMMUTABLE, // set before publish
  GEN: GUARD.NONE,
  LABEL: GUARD.IMMUTABLE,
  INSNS: GUARD.IMMUTABLE,
  PATH: GUARD.IMMUTABLE,
  NEXT_FREE: GUARD.ARENA,
  ALLOC: GUARD.NONE,
};

export const ALLOC_GUARDS: FieldGuards<typeof ALLOC> = {
  NODE_FREE: GUARD.ARENA,
  NODE_BUMP: GUARD.ARENA,
  NODE_LIVE: GUARD.NONE,
  TASK_FREE: GUARD.PIDMAP,
  TASK_BUMP: GUARD.PIDMAP,
};

const IMMUTABLE_HDR: readonly number[] = [HDR.MAGIC, HDR.VERSION, HDR.MAX_TASKS, HDR.MAX_FILTERS, HDR.GROUPS, HDR.WORKERS, HDR.RING_SIZE, HDR.N_LOCKS, HDR.EXTRA_LOCKS, HDR.SCRATCH_WORDS];

/** Per-word guard classes of one layout, plus the lookups a scheduler needs. */
export class GuardMap {
  /** guard class per word */
  readonly cls: Uint8Array;

  constructor(readonly L: Layout) {
    this.cls = new Uint8Array(L.words);
    for (const w of IMMUTABLE_HDR) this.cls[w] = GUARD.IMMUTABLE;
    const fill = (base: number, records: number, size: number, fields: Record<string, number>, guards: Record<string, GuardClass>) => {
      for (let r = 0; r < records; r++) for (const [name, off] of Object.entries(fields)) if (name !== 'SIZE') this.cls[base + r * size + off] = guards[name]!;
    };
    fill(L.tasks, L.cfg.maxTasks, TASK.SIZE, TASK, TASK_GUARDS);
    fill(L.groups, L.cfg.groups, GROUP.SIZE, GROUP, GROUP_GUARDS);
    fill(L.nodes, L.cfg.maxFilters, NODE.SIZE, NODE, NODE_GUARDS);
    fill(L.alloc, 1, ALLOC.SIZE, ALLOC, ALLOC_GUARDS);
  }

  /** The group a task or group word belongs to (reads the task's GROUP word: immutable). */
  groupOf(m: Int32Array, a: number): number {
    const L = this.L;
    if (a >= L.groups && a < L.groups + L.cfg.groups * GROUP.SIZE) return Math.floor((a - L.groups) / GROUP.SIZE);
    if (a >= L.tasks && a < L.tasks + L.cfg.maxTasks * TASK.SIZE) return m[L.tasks + Math.floor((a - L.tasks) / TASK.SIZE) * TASK.SIZE + TASK.GROUP]!;
    return 0;
  }

  /**
   * Is a plain access to word `a` protected, given the locks held (`held[id]` > 0)?
   * false = the access is a scheduling point.
   */
  guarded(m: Int32Array, a: number, held: Uint8Array): boolean {
    switch (this.cls[a]) {
      case GUARD.IMMUTABLE:
        return true;
      case GUARD.SIGLOCK:
        return held[this.L.siglock(this.groupOf(m, a))]! > 0;
      case GUARD.TASKLIST_OR_SIGLOCK:
        return held[LOCK_ID.TASKLIST]! > 0 || held[this.L.siglock(this.groupOf(m, a))]! > 0;
      case GUARD.PIDMAP:
        return held[LOCK_ID.PIDMAP]! > 0;
      case GUARD.ARENA:
        return held[LOCK_ID.ARENA]! > 0;
      default:
        return false;
    }
  }
}

const FIELD_NAMES = (fields: Record<string, number>): string[] => {
  const out: string[] = [];
  for (const [k, v] of Object.entries(fields)) if (k !== 'SIZE') out[v] = k;
  return out;
};
const TASK_FIELDS = FIELD_NAMES(TASK);
const GROUP_FIELDS = FIELD_NAMES(GROUP);
const NODE_FIELDS = FIELD_NAMES(NODE);
const ALLOC_FIELDS = FIELD_NAMES(ALLOC);
const HDR_FIELDS = FIELD_NAMES(HDR);

/** A readable name for a word, e.g. "task[2].HEAD", "node[5].REFS", "alloc.NODE_LIVE". */
const LOCK_FIELDS = ['state', 'aux', 'owner', 'waiter'];
const QNODE_FIELDS = ['locked', 'next'];

export function describeWord(L: Layout, a: number): string {
  const rec = (base: number, size: number, n: number, names: string[], what: string): string | null => {
    if (a < base || a >= base + size * n) return null;
    const r = Math.floor((a - base) / size);
    return `${what}[${r}].${names[(a - base) % size] ?? `w${(a - base) % size}`}`;
  };
  if (a < HDR.SIZE) return `hdr.${HDR_FIELDS[a] ?? `w${a}`}`;
  if (a >= L.locks && a < L.locks + L.nLocks * LOCK.SIZE) {
    const id = Math.floor((a - L.locks) / LOCK.SIZE);
    const f = a - L.lock(id);
    return `${L.lockName(id)}.${LOCK_FIELDS[f] ?? `w${f}`}`;
  }
  if (a >= L.qnodes && a < L.qnodes + L.nLocks * L.cfg.workers * QNODE.SIZE) {
    const r = Math.floor((a - L.qnodes) / QNODE.SIZE);
    const id = Math.floor(r / L.cfg.workers);
    const w = r % L.cfg.workers;
    const f = a - L.qnode(id, w);
    // worker 0's node line is also a user lock kind's 16 words
    return `${L.lockName(id)}.qnode[${w}].${QNODE_FIELDS[f] ?? `w${f}`}`;
  }
  if (a >= L.alloc && a < L.alloc + ALLOC.SIZE) return `alloc.${ALLOC_FIELDS[a - L.alloc] ?? `w${a - L.alloc}`}`;
  return rec(L.tasks, TASK.SIZE, L.cfg.maxTasks, TASK_FIELDS, 'task') ?? rec(L.groups, GROUP.SIZE, L.cfg.groups, GROUP_FIELDS, 'group') ?? rec(L.nodes, NODE.SIZE, L.cfg.maxFilters, NODE_FIELDS, 'node') ?? `word ${a}`;
}
