/**
 * Per-worker event rings: the last `ringSize` events of every worker, kept in the
 * shared buffer so a violation report can show what each involved worker did just
 * before. Only the owning worker writes its ring, with plain stores (RING_HEAD
 * last): readers (violation reports, stopped runs) are best effort, off the hot path.
 */
import { EVENT, WORKER, type Layout } from './layout.ts';

export const EV = {
  OP: 1, //        a = op kind, b = task tid
  OP_END: 2, //    a = op kind, b = outcome code
  ATTACH: 3, //    a = tid, b = new node handle
  TSYNC_OK: 4, //  a = tid, b = new node handle
  TSYNC_FAIL: 5, // a = tid, b = failing tid (or -errno)
  CLONE: 6, //     a = parent tid, b = child tid
  EXIT: 7, //      a = tid, b = released head
  SET_HEAD: 8, //  a = tid, b = new head
  FREE: 9, //      a = node handle, b = 0
  SYSCALL: 10, //  a = tid, b = chain length
  NNP: 11, //      a = tid, b = 1
  LOCK: 12, //     a = lock id, b = 1 write / 0 read
  UNLOCK: 13, //   a = lock id
  VIOLATION: 14, // a = kind index
} as const;
const EV_NAMES: Record<number, string> = Object.fromEntries(Object.entries(EV).map(([k, v]) => [v, k.toLowerCase()]));

export class EventRing {
  private readonly headAt: number;
  constructor(
    private readonly m: Int32Array,
    private readonly layout: Layout,
    private readonly worker: number,
  ) {
    this.headAt = layout.worker(worker) + WORKER.RING_HEAD;
  }

  push(kind: number, a: number, b: number): void {
    const m = this.m;
    const seq = m[this.headAt]!; // only we write it
    const at = this.layout.event(this.worker, seq);
    m[at + EVENT.SEQ] = seq;
    m[at + EVENT.KIND] = kind;
    m[at + EVENT.A] = a;
    m[at + EVENT.B] = b;
    // a plain store: rings are read after the fact (a violation report, a stopped run), best effort
    m[this.headAt] = seq + 1;
  }
}

export interface DecodedEvent {
  worker: number;
  seq: number;
  kind: string;
  a: number;
  b: number;
}

/** Read a worker's last events, oldest first (may race with the writer: best effort). */
export function readRing(m: Int32Array, layout: Layout, worker: number, max = layout.cfg.ringSize): DecodedEvent[] {
  const head = Atomics.load(m, layout.worker(worker) + WORKER.RING_HEAD);
  const n = Math.min(head, layout.cfg.ringSize, max);
  const out: DecodedEvent[] = [];
  for (let seq = head - n; seq < head; seq++) {
    const at = layout.event(worker, seq);
    if (m[at + EVENT.SEQ] !== seq) continue; // overwritten by the writer while we read
    out.push({ worker, seq, kind: EV_NAMES[m[at + EVENT.KIND]!] ?? `ev${m[at + EVENT.KIND]}`, a: m[at + EVENT.A]!, b: m[at + EVENT.B]! });
  }
  return out;
}

export function formatEvent(e: DecodedEvent): string {
  return `w${e.worker}#${e.seq} ${e.kind} ${e.a} ${e.b}`;
}
