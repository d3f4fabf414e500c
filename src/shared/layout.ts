/**
 * The one place that knows where things live in the lab's SharedArrayBuffer.
 *
 * The buffer is a single Int32Array. Every region below is an array of fixed-size
 * records whose fields are named constants; `Layout` turns (record, field) into a
 * word index. Nothing else in the code base computes buffer indices by hand.
 *
 * Each field says who may touch it and how, in the spirit of kernel/seccomp.c:
 *   [atomic]      read or written with Atomics (lock words, refcounts, fields read locklessly)
 *   [siglock]     plain access with the owning group's siglock held
 *   [tasklist+siglock] written with tasklist_lock (write) and siglock both held; read under either
 *   [arena]       plain access with the arena lock held
 *   [pidmap]      plain access with the pidmap lock held (task-slot allocation)
 *   [owner]       plain access by the one worker that owns the record
 *   [immutable]   written once before the record is published, then only read
 *
 * Handles. A filter node or a task is referred to by a 32-bit handle
 * `(generation << 16) | (slot + 1)`; 0 is NULL. Freeing a slot bumps its generation,
 * so a handle kept past a free is *stale*: `handleGen(h) !== slot.GEN` detects a
 * use-after-free instead of silently reading a recycled record.
 */

export const WORD = 4; // bytes per Int32 word
export const LINE = 16; // words per 64-byte cache line

/** Layout parameters. Everything else is computed from these. */
export interface LayoutConfig {
  /** task slots (simulated threads, all groups together); at most 65535 */
  maxTasks: number;
  /** filter-node arena slots; at most 65535 */
  maxFilters: number;
  /** thread groups (processes) */
  groups: number;
  /** worker threads (simulated CPUs), including the main thread if it runs model code */
  workers: number;
  /** events kept per worker ring (power of two) */
  ringSize: number;
  /** extra general-purpose locks (benchmarks, tests, experiments) */
  extraLocks: number;
  /** scratch words for tests and benchmarks, cache-line aligned; their users' slot
   *  tables (src/lock-lab/lock-task.ts, src/bench/bench-task.ts) say how each is accessed */
  scratchWords: number;
}

export const DEFAULT_LAYOUT: LayoutConfig = {
  maxTasks: 1024,
  maxFilters: 16384,
  groups: 4,
  workers: 2,
  ringSize: 64,
  extraLocks: 4,
  scratchWords: 64,
};

/**
 * Header: identity and configuration echo. No engine's run words live here: the stress
 * engine keeps its own in src/stress/run-words.ts (words 16-63 were its; spare now, so
 * that every region keeps its offset).
 */
export const HDR = {
  MAGIC: 0, //        [immutable] 0x75796E63 ("tsync")
  VERSION: 1, //      [immutable] layout version
  MAX_TASKS: 2, //    [immutable]
  MAX_FILTERS: 3, //  [immutable]
  GROUPS: 4, //       [immutable]
  WORKERS: 5, //      [immutable]
  RING_SIZE: 6, //    [immutable]
  N_LOCKS: 7, //      [immutable]
  EXTRA_LOCKS: 8, //  [immutable]
  SCRATCH_WORDS: 9, // [immutable]
  NEXT_TID: 64, //    [atomic] next task id to hand out
  SIZE: 80,
} as const;

export const MAGIC = 0x75796e63;
export const LAYOUT_VERSION = 1;

/**
 * A lock record: one cache line. The meaning of STATE/AUX depends on the lock kind
 * (see src/locks). The holder can always be named, for the watchdog: from STATE for
 * the kinds that keep the owner there, from OWNER for the others.
 * [holder]: written only by the worker holding the lock.
 */
export const LOCK = {
  STATE: 0, //  [atomic] the lock word: tas/ttas/broken/racy the owner (worker id + 1), ticket next|serving
  //             halves, futex state, MCS tail, rw reader count and writer bits
  AUX: 1, //    [atomic] rw only: its wait-queue lock; user lock kinds (src/locks/user.ts): read holds
  OWNER: 2, //  [holder] diagnostic: worker id + 1 of the (write) holder, 0 = none; written by the holder
  //             with plain stores, read by the watchdog best effort; kinds keeping the owner in STATE
  //             leave it 0
  WAITER: 3, // [atomic] a worker id + 1 currently waiting (for deadlock reports)
  SIZE: LINE,
} as const;

/**
 * An MCS queue node: one per (lock, worker), one cache line each. A user lock kind
 * (src/locks/user.ts) is never MCS: its 16 words are worker 0's queue-node line of
 * its lock (Layout.userLockWords), zero at start, its own to use as it likes.
 */
export const QNODE = {
  // both start with plain stores by their owner before the tail exchange publishes the node
  LOCKED: 0, // [atomic] 1 while waiting, 0 when the predecessor handed the lock over
  NEXT: 1, //   [atomic] successor worker id + 1, 0 = none
  SIZE: LINE,
} as const;

/** Per-worker, per-lock statistics: only that worker writes them [owner]. */
export const LSTAT = {
  ACQUIRED: 0, //  acquisitions
  CONTENDED: 1, // acquisitions whose first attempt failed
  SPINS: 2, //     spin iterations while waiting
  MAX_WAIT_US: 3, // longest wait, microseconds (saturating)
  SIZE: 4,
} as const;

/**
 * A filter node (struct seccomp_filter): 8 words = 32 bytes.
 * Immutable after publish except REFS; GEN, ALLOC and NEXT_FREE change only on free.
 */
export const NODE = {
  REFS: 0, //    [atomic] refcount: tasks whose head this is + live children (I1); saturates
  PREV: 1, //    [immutable] parent handle (older filter) or 0; set under the installer's siglock before publish
  GEN: 2, //     [atomic] generation, bumped on every free (stale-handle detection)
  LABEL: 3, //   [immutable] label id (scenario label index, or a stress serial number); set by allocNode
  INSNS: 4, //   [immutable] program length; set by allocNode
  PATH: 5, //    [immutable] insns + 4 summed over this node and its ancestors (MAX_INSNS_PER_PATH);
  //             set with PREV, before publish
  NEXT_FREE: 6, // [arena] free-list link (slot + 1) while free
  ALLOC: 7, //   [atomic] 1 while allocated, 0 while free
  SIZE: 8,
} as const;

/** Task modes (struct seccomp.mode). */
export const MODE = { DISABLED: 0, STRICT: 1, FILTER: 2 } as const;

/** Task states. */
export const TSTATE = {
  FREE: 0, //    slot unused
  ALIVE: 1, //   running
  EXITING: 2, // PF_EXITING set, still on the thread list (zombie leader stays here)
  NEW: 3, //     allocated by clone, not yet on the thread list (invisible, not claimable)
  ZOMBIE: 4, //  a leader that finished exiting while other threads remain: reaped by the last one
} as const;

/** A task (struct task_struct's seccomp part plus list links): 16 words = 64 bytes. */
export const TASK = {
  // Fields marked [alloc] are written once by allocTask while the slot is NEW (on no
  // list, claimable by nobody), before linkThread publishes it under siglock.
  GEN: 0, //        [atomic] generation, bumped when the slot is freed (under pidmap_lock)
  STATE: 1, //      [atomic] TSTATE; written under siglock (NEW by allocTask and FREE by freeTask under
  //                 pidmap_lock, on slots on no list); read locklessly with Atomics, plain under siglock
  GROUP: 2, //      [alloc] group index
  TID: 3, //        [alloc] thread id, unique over the run
  MODE: 4, //       [atomic] MODE; written under siglock (Atomics); read locklessly at syscall entry, plain under siglock
  HEAD: 5, //       [atomic] filter handle (seccomp.filter); written under siglock (Atomics, the smp_store_release);
  //                 read locklessly by its owner at syscall entry (Atomics), plain under siglock
  NNP: 6, //        [atomic] no_new_privs (atomic_flags bit): set-only, by its owner with no lock or by
  //                 TSYNC / copy_seccomp under siglock
  NEXT: 8, //       [tasklist+siglock] next task handle in the group's thread list (creation order); written
  //                 with tasklist_lock (write) and siglock held, so either lock suffices to read it
  PREVT: 9, //      [tasklist+siglock] previous task handle in the thread list
  FILTER_COUNT: 12, // [atomic] filters on the chain (atomic_t filter_count, /proc Seccomp_filters): written
  //                 under siglock, read without a lock (the stress loop's depth cap); [alloc] 0
  NEXT_FREE: 14, // [pidmap] free-list link (slot + 1) while free
  // words 7, 10, 11, 13 and 15 are spare: the stress engine's claim and caller-loop words, now in its own
  // buffer (src/stress/run-words.ts, LOOP)
  SIZE: 16,
} as const;

/** A thread group (signal_struct + sighand_struct essentials): 16 words. */
export const GROUP = {
  GEN: 0, //        [atomic] bumped whenever the group is replaced by a new process (tasklist_lock + siglock)
  STATE: 1, //      [atomic] 0 = empty, 1 = live; written with tasklist_lock (write) + siglock held
  FIRST: 2, //      [tasklist+siglock] first task handle of the thread list (signal->thread_head)
  LAST: 3, //       [tasklist+siglock] last task handle
  NR_THREADS: 4, // [tasklist+siglock] tasks on the list (including exiting ones)
  NR_LIVE: 5, //    [atomic] tasks on the list that are not exiting (written under siglock)
  LEADER: 6, //     [siglock] leader task handle
  PRIVILEGED: 11, // [immutable per process] 1 if the process holds CAP_SYS_ADMIN; set by createProcess under
  //                 siglock, constant while any of its threads lives, so they read it without the lock
  LAST_TSYNC_LABEL: 12, // [siglock] checker: label of the last successful TSYNC's filter (0 = none)
  // words 7-10 and 13-15 are spare
  SIZE: 16,
} as const;

/** Per-worker block: control, held-lock stack, current op (watchdogs, lockdep). */
export const WORKER = {
  ID: 0, //          [immutable] worker id, set by create()
  USER_LOCK: 1, //   [owner] lock id + 1 whose user-supplied code (src/locks/user.ts) this worker is in, 0 = none;
  //                 diagnostic (plain stores), the livelock watchdog reads it with Atomics
  USER_METHOD: 2, // [owner] which method of that user lock (USER_METHODS index); diagnostic
  OP: 10, //         [owner] current op kind + 1 (0 = idle); diagnostic, others read it with Atomics
  OP_TASK: 11, //    [owner] tid the op runs as; diagnostic
  OP_SEQ: 12, //     [atomic] ops completed (progress; a livelock watchdog reads it)
  RING_HEAD: 14, //  [owner] events written so far (ring index = head % ringSize); readers best effort
  // words 3-9, 13 and 15 are spare
  SIZE: 16,
} as const;

/** An event in a worker's ring: 4 words [owner]. */
export const EVENT = { SEQ: 0, KIND: 1, A: 2, B: 3, SIZE: 4 } as const;

/** Per-worker counters [owner]; readers sum them with Atomics.load after the run. */
export const COUNTERS_PER_WORKER = 64;

/** Lockdep: a dependency matrix over lock classes [atomic]. */
export const LOCKDEP_CLASSES = 16;

/** Arena / task-table allocator metadata. */
export const ALLOC = {
  NODE_FREE: 0, //    [arena] head of the node free list (slot + 1), 0 = empty
  NODE_BUMP: 1, //    [arena] slots never used yet start here
  NODE_LIVE: 2, //    [atomic] allocated nodes (leak check)
  TASK_FREE: 4, //    [pidmap] head of the task-slot free list
  TASK_BUMP: 5, //    [pidmap]
  SIZE: LINE,
} as const;

/** Fixed lock ids; per-group locks follow, then the extra locks. */
export const LOCK_ID = {
  ARENA: 0, //     filter-node arena free list
  PIDMAP: 1, //    task-slot allocation (alloc_pid)
  TASKLIST: 2, //  global tasklist_lock (rw)
  FIRST_GROUP: 3,
} as const;
/** The locks every group has, in their order within the group's lock ids. */
export const GROUP_LOCKS = ['siglock', 'cred_guard', 'threadgroup'] as const;
export const LOCKS_PER_GROUP = GROUP_LOCKS.length;
/** What a lock id is for: one decoding of the id space, used by names, lock plans and lockdep. */
export type LockUse = 'arena' | 'pidmap' | 'tasklist' | (typeof GROUP_LOCKS)[number] | 'extra';
const KERNEL_NAMES: Record<LockUse, string> = {
  arena: 'arena_lock',
  pidmap: 'pidmap_lock',
  tasklist: 'tasklist_lock',
  siglock: 'siglock',
  cred_guard: 'cred_guard_mutex',
  threadgroup: 'threadgroup_rwsem',
  extra: 'extra_lock',
};

export type Region = { name: string; offset: number; words: number; recordWords: number; records: number };

function alignLine(n: number): number {
  return Math.ceil(n / LINE) * LINE;
}

/** Computed offsets for one configuration. Cheap to construct in every worker. */
export class Layout {
  readonly cfg: LayoutConfig;
  readonly nLocks: number;
  readonly hdr = 0;
  readonly alloc: number;
  readonly locks: number;
  readonly qnodes: number;
  readonly lstats: number;
  readonly nodes: number;
  readonly tasks: number;
  readonly groups: number;
  readonly workers: number;
  readonly counters: number;
  readonly rings: number;
  readonly lockdep: number;
  readonly scratch: number;
  readonly words: number;
  readonly regions: Region[];

  constructor(cfg: Partial<LayoutConfig> = {}) {
    const c = { ...DEFAULT_LAYOUT, ...cfg };
    validateLayoutConfig(c);
    this.cfg = c;
    this.nLocks = LOCK_ID.FIRST_GROUP + c.groups * LOCKS_PER_GROUP + c.extraLocks;
    const regions: Region[] = [];
    let at = 0;
    const region = (name: string, recordWords: number, records: number): number => {
      const off = alignLine(at);
      const words = recordWords * records;
      regions.push({ name, offset: off, words, recordWords, records });
      at = off + words;
      return off;
    };
    region('header', HDR.SIZE, 1);
    this.alloc = region('allocators', ALLOC.SIZE, 1);
    this.locks = region('locks', LOCK.SIZE, this.nLocks);
    this.qnodes = region('mcs-qnodes', QNODE.SIZE, this.nLocks * c.workers);
    this.lstats = region('lock-stats', LSTAT.SIZE, this.nLocks * c.workers);
    this.nodes = region('filter-nodes', NODE.SIZE, c.maxFilters);
    this.tasks = region('tasks', TASK.SIZE, c.maxTasks);
    this.groups = region('groups', GROUP.SIZE, c.groups);
    this.workers = region('workers', WORKER.SIZE, c.workers);
    this.counters = region('counters', COUNTERS_PER_WORKER, c.workers);
    this.rings = region('event-rings', EVENT.SIZE, c.ringSize * c.workers);
    this.lockdep = region('lockdep', LOCKDEP_CLASSES, LOCKDEP_CLASSES);
    this.scratch = region('scratch', 1, c.scratchWords);
    this.words = alignLine(at);
    this.regions = regions;
  }

  get bytes(): number {
    return this.words * WORD;
  }

  lock(id: number): number {
    return this.locks + id * LOCK.SIZE;
  }
  qnode(lockId: number, worker: number): number {
    return this.qnodes + (lockId * this.cfg.workers + worker) * QNODE.SIZE;
  }
  /** the 16 words (one line) a user lock kind gets for lock `lockId`: worker 0's MCS node, unused by other kinds */
  userLockWords(lockId: number): number {
    return this.qnode(lockId, 0);
  }
  lstat(lockId: number, worker: number): number {
    return this.lstats + (worker * this.nLocks + lockId) * LSTAT.SIZE;
  }
  node(slot: number): number {
    return this.nodes + slot * NODE.SIZE;
  }
  task(slot: number): number {
    return this.tasks + slot * TASK.SIZE;
  }
  group(g: number): number {
    return this.groups + g * GROUP.SIZE;
  }
  worker(w: number): number {
    return this.workers + w * WORKER.SIZE;
  }
  counter(w: number, k: number): number {
    return this.counters + w * COUNTERS_PER_WORKER + k;
  }
  event(w: number, i: number): number {
    return this.rings + (w * this.cfg.ringSize + (i & (this.cfg.ringSize - 1))) * EVENT.SIZE;
  }
  lockdepEdge(from: number, to: number): number {
    return this.lockdep + from * LOCKDEP_CLASSES + to;
  }
  scratchWord(i: number): number {
    return this.scratch + i;
  }

  siglock(g: number): number {
    return LOCK_ID.FIRST_GROUP + g * LOCKS_PER_GROUP + GROUP_LOCKS.indexOf('siglock');
  }
  credGuard(g: number): number {
    return LOCK_ID.FIRST_GROUP + g * LOCKS_PER_GROUP + GROUP_LOCKS.indexOf('cred_guard');
  }
  threadgroupLock(g: number): number {
    return LOCK_ID.FIRST_GROUP + g * LOCKS_PER_GROUP + GROUP_LOCKS.indexOf('threadgroup');
  }

  /** What lock `id` is for. */
  lockUse(id: number): LockUse {
    if (id === LOCK_ID.ARENA) return 'arena';
    if (id === LOCK_ID.PIDMAP) return 'pidmap';
    if (id === LOCK_ID.TASKLIST) return 'tasklist';
    const g = id - LOCK_ID.FIRST_GROUP;
    if (g >= 0 && g < this.cfg.groups * LOCKS_PER_GROUP) return GROUP_LOCKS[g % LOCKS_PER_GROUP]!;
    return 'extra';
  }
  extraLock(i: number): number {
    return LOCK_ID.FIRST_GROUP + this.cfg.groups * LOCKS_PER_GROUP + i;
  }

  /** A human name for a lock id, e.g. "siglock[2]". */
  lockName(id: number): string {
    const use = this.lockUse(id);
    const g = id - LOCK_ID.FIRST_GROUP;
    if (use === 'extra') return `extra_lock[${g - this.cfg.groups * LOCKS_PER_GROUP}]`;
    if ((GROUP_LOCKS as readonly string[]).includes(use)) return `${KERNEL_NAMES[use]}[${Math.floor(g / LOCKS_PER_GROUP)}]`;
    return KERNEL_NAMES[use];
  }

  /** Allocate and initialise a buffer for this layout. */
  create(): Int32Array {
    const sab = new SharedArrayBuffer(this.bytes);
    const m = new Int32Array(sab);
    m[HDR.MAGIC] = MAGIC;
    m[HDR.VERSION] = LAYOUT_VERSION;
    m[HDR.MAX_TASKS] = this.cfg.maxTasks;
    m[HDR.MAX_FILTERS] = this.cfg.maxFilters;
    m[HDR.GROUPS] = this.cfg.groups;
    m[HDR.WORKERS] = this.cfg.workers;
    m[HDR.RING_SIZE] = this.cfg.ringSize;
    m[HDR.N_LOCKS] = this.nLocks;
    m[HDR.EXTRA_LOCKS] = this.cfg.extraLocks;
    m[HDR.SCRATCH_WORDS] = this.cfg.scratchWords;
    m[HDR.NEXT_TID] = 1;
    for (let w = 0; w < this.cfg.workers; w++) m[this.worker(w) + WORKER.ID] = w;
    return m;
  }

  /** Rebuild the layout from a buffer made by `create` (workers receive only the buffer). */
  static of(m: Int32Array): Layout {
    if (m[HDR.MAGIC] !== MAGIC) throw new Error('not a tsync-lab buffer (bad magic)');
    if (m[HDR.VERSION] !== LAYOUT_VERSION) throw new Error(`layout version ${m[HDR.VERSION]} != ${LAYOUT_VERSION}`);
    return new Layout({
      maxTasks: m[HDR.MAX_TASKS]!,
      maxFilters: m[HDR.MAX_FILTERS]!,
      groups: m[HDR.GROUPS]!,
      workers: m[HDR.WORKERS]!,
      ringSize: m[HDR.RING_SIZE]!,
      extraLocks: m[HDR.EXTRA_LOCKS]!,
      scratchWords: m[HDR.SCRATCH_WORDS]!,
    });
  }
}

/** Throws a one-line RangeError for impossible sizes. */
export function validateLayoutConfig(c: LayoutConfig): void {
  const int = (name: string, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${name} must be an integer in ${lo}..${hi}, got ${v}`);
  };
  int('maxTasks', c.maxTasks, 1, 65535);
  int('maxFilters', c.maxFilters, 1, 65535);
  int('groups', c.groups, 1, 4096);
  int('workers', c.workers, 1, 256);
  int('ringSize', c.ringSize, 1, 1 << 16);
  if ((c.ringSize & (c.ringSize - 1)) !== 0) throw new RangeError(`ringSize must be a power of two, got ${c.ringSize}`);
  int('extraLocks', c.extraLocks, 0, 4096);
  int('scratchWords', c.scratchWords, 0, 1 << 24);
}

// ---- handles -------------------------------------------------------------------

export function makeHandle(slot: number, gen: number): number {
  return ((gen & 0x7fff) << 16) | (slot + 1);
}
export function handleSlot(h: number): number {
  return (h & 0xffff) - 1;
}
export function handleGen(h: number): number {
  return (h >>> 16) & 0x7fff;
}
