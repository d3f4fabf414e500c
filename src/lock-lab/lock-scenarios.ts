/**
 * Lock test scenarios, each on a fresh rig with real worker threads. They return
 * what they observed; the tests (and the native check, which has to run in a child
 * node started with --harmony-struct) decide what is right.
 */
import { LOCK } from '../shared/layout.ts';
import { SLOT, type LockTaskResult, type WorkloadKind } from './lock-task.ts';
import { base, type LockLab } from './lock-lab.ts';

/** Generous bound for every synchronisation wait: a stuck scenario fails, never hangs. */
export const SYNC_MS = 10_000;
const WATCHDOG_MS = 5_000;

export interface CountOutcome {
  count: number;
  expected: number;
  results: LockTaskResult[];
}

/** `workers` workers each do `iterations` plain read-modify-writes of one word under the lock. */
export async function mutualExclusion(lab: LockLab, kind: WorkloadKind, workers: number, iterations: number, window = 0): Promise<CountOutcome> {
  const rig = lab.rig(kind, workers);
  const runs = [];
  for (let w = 0; w < workers; w++)
    runs.push(lab.run({ ...base(rig, w, WATCHDOG_MS, SYNC_MS), op: 'count', parties: workers, iterations, window }));
  const results = await Promise.all(runs);
  return { count: Atomics.load(rig.m, rig.sc + SLOT.COUNT), expected: workers * iterations, results };
}

/** `workers` workers acquire at the same instant, `rounds` times (a barrier before each): entries that met another holder. */
export async function entryRace(lab: LockLab, kind: WorkloadKind, workers: number, rounds: number, maxMs: number): Promise<{ overlaps: number; rounds: number }> {
  const rig = lab.rig(kind, workers);
  const runs = [];
  for (let w = 0; w < workers; w++) runs.push(lab.run({ ...base(rig, w, WATCHDOG_MS, SYNC_MS), op: 'entry-race', parties: workers, rounds, maxMs }));
  await Promise.all(runs);
  const stopped = Atomics.load(rig.m, rig.sc + SLOT.RACE_STOP) !== 0;
  return { overlaps: Atomics.load(rig.m, rig.sc + SLOT.OVERLAPS), rounds: stopped ? Atomics.load(rig.m, rig.sc + SLOT.RACE_GO) - 1 : rounds };
}

/** What the holder and the waiter of a two-worker scenario (watchdog, holdWhileWaiting) saw. */
export interface HolderWaiterOutcome {
  holder: LockTaskResult;
  waiter: LockTaskResult;
}

/** Worker 0 takes the lock and never gives it back; worker 1 waits with a short watchdog. */
export async function watchdog(lab: LockLab, kind: WorkloadKind, watchdogMs: number): Promise<HolderWaiterOutcome> {
  const rig = lab.rig(kind, 2);
  const holder = lab.run({ ...base(rig, 0, WATCHDOG_MS, SYNC_MS), op: 'hold', forever: true, until: 0, holdMs: 0 });
  const waiter = await lab.run({ ...base(rig, 1, watchdogMs, SYNC_MS), op: 'wait', after: 0, log: false });
  // Only a scoped-only holder (native) is still parked inside its critical section.
  Atomics.store(rig.m, rig.sc + SLOT.GO, 1);
  Atomics.notify(rig.m, rig.sc + SLOT.GO);
  return { holder: await holder, waiter };
}

/**
 * FIFO: worker 0 holds the lock; the others queue one after another in `order`
 * (each starts only once its predecessor is provably waiting); worker 0 releases
 * when the last one queued. Returns the acquisition order. `state`: the lock's state
 * word to start from (default: a fresh lock), e.g. a ticket lock just before its wrap.
 */
export async function arrivalOrder(lab: LockLab, kind: WorkloadKind, order: number[], state?: number, graceMs = 0): Promise<number[]> {
  const rig = lab.rig(kind, 1 + order.length);
  if (state !== undefined) Atomics.store(rig.m, rig.layout.lock(rig.lockId) + LOCK.STATE, state);
  const last = order[order.length - 1]!;
  const holder = lab.run({ ...base(rig, 0, WATCHDOG_MS, SYNC_MS), op: 'hold', forever: false, until: last + 1, holdMs: 0 });
  const waiters = order.map((w, i) =>
    lab.run({ ...base(rig, w, WATCHDOG_MS, SYNC_MS), op: 'wait', after: i === 0 ? 0 : order[i - 1]! + 1, log: true, ...(graceMs && i > 0 ? { graceMs } : {}) }),
  );
  await Promise.all([holder, ...waiters]);
  const n = Atomics.load(rig.m, rig.sc + SLOT.LOG_POS);
  return Array.from(rig.m.subarray(rig.sc + SLOT.LOG, rig.sc + SLOT.LOG + n));
}

/** Worker 0 holds the lock busy for holdMs once worker 1 waits for it. */
export async function holdWhileWaiting(lab: LockLab, kind: WorkloadKind, holdMs: number): Promise<HolderWaiterOutcome> {
  const rig = lab.rig(kind, 2);
  const holder = lab.run({ ...base(rig, 0, WATCHDOG_MS, SYNC_MS), op: 'hold', forever: false, until: 2, holdMs });
  const waiter = lab.run({ ...base(rig, 1, WATCHDOG_MS, SYNC_MS), op: 'wait', after: 0, log: false });
  const [h, w] = await Promise.all([holder, waiter]);
  return { holder: h, waiter: w };
}

export interface TornOutcome {
  reads: number;
  torn: number;
}

/** paused rounds of a torn-read run (RwWriteTask): each catches an unlocked reader for sure */
export const TORN_PAUSES = 3;
/**
 * A paused round's bound. Under a correct lock the writer waits this long, holding it, in
 * each round; a read lock that lets the reader in must have it read within the bound. The
 * unlocked control's reader always reads: there the bound is SYNC_MS, so load cannot
 * make it miss.
 */
const PAUSE_MS = 100;

/**
 * One writer rewrites a multi-word record; one reader checks it, under the lock or not
 * (control). TORN_PAUSES paused rounds first (the writer waits mid-write for the
 * reader), then `iterations` free-running writes.
 */
export async function tornReads(lab: LockLab, kind: WorkloadKind, locked: boolean, iterations: number): Promise<TornOutcome> {
  const rig = lab.rig(kind, 2);
  const writer = lab.run({ ...base(rig, 0, WATCHDOG_MS, SYNC_MS), op: 'rw-write', parties: 2, iterations, pauses: TORN_PAUSES, pauseMs: locked ? PAUSE_MS : SYNC_MS });
  const reader = lab.run({ ...base(rig, 1, WATCHDOG_MS, SYNC_MS), op: 'rw-read', parties: 2, locked, maxReads: 10 * iterations, pauses: TORN_PAUSES });
  const [, r] = await Promise.all([writer, reader]);
  return { reads: r.reads ?? 0, torn: r.torn ?? 0 };
}

/** `readers` readers meet at a barrier inside the read section; true if all passed. */
export async function readersShare(lab: LockLab, kind: WorkloadKind, readers: number, innerMs: number): Promise<boolean[]> {
  const rig = lab.rig(kind, readers);
  const rs = [];
  for (let w = 0; w < readers; w++) rs.push(lab.run({ ...base(rig, w, WATCHDOG_MS, SYNC_MS), op: 'rw-share', parties: readers, innerMs }));
  return (await Promise.all(rs)).map((r) => r.shared === true);
}

export interface FairOutcome {
  /** acquisition order: worker ids (1 = writer, 2 = late reader) */
  order: number[];
  gotEarly: boolean;
}

/** A reader holds; a writer queues; a late reader arrives after the writer. */
export async function writerFairness(lab: LockLab, kind: WorkloadKind): Promise<FairOutcome> {
  const rig = lab.rig(kind, 3);
  const common = { writerId: 1, lateReaderId: 2 } as const;
  const first = lab.run({ ...base(rig, 0, WATCHDOG_MS, SYNC_MS), op: 'rw-fair', role: 'first-reader', ...common });
  const writer = lab.run({ ...base(rig, 1, WATCHDOG_MS, SYNC_MS), op: 'rw-fair', role: 'writer', ...common });
  const late = lab.run({ ...base(rig, 2, WATCHDOG_MS, SYNC_MS), op: 'rw-fair', role: 'late-reader', ...common });
  const [f] = await Promise.all([first, writer, late]);
  const n = Atomics.load(rig.m, rig.sc + SLOT.LOG_POS);
  return { order: Array.from(rig.m.subarray(rig.sc + SLOT.LOG, rig.sc + SLOT.LOG + n)), gotEarly: f.gotEarly === true };
}
