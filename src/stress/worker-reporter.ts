/**
 * Where a stress worker's model code reports violations: keeps the first few in
 * full (with the last events of every worker's ring as a trace), counts all of
 * them in the run words (./run-words.ts), and stops the run after --max-violations.
 */
import type { Layout } from '../shared/layout.ts';
import { RUN } from './run-words.ts';
import { readRing, formatEvent } from '../shared/events.ts';
import type { Reporter, Violation } from '../seccomp/violations.ts';

export const KEEP_VIOLATIONS = 20;
const TRACE_EVENTS = 16;

export class WorkerReporter implements Reporter {
  readonly list: Violation[] = [];
  constructor(
    private readonly m: Int32Array,
    /** the run words */
    private readonly r: Int32Array,
    private readonly L: Layout,
    private readonly worker: number,
    private readonly seed: number,
    private readonly maxViolations: number,
    /** stop the run at the first violation of one of these kinds (null: count toward maxViolations) */
    private readonly stopOn: readonly string[] | null = null,
  ) {}

  report(v: Omit<Violation, 'worker'>): void {
    const total = Atomics.add(this.r, RUN.VIOLATIONS, 1) + 1;
    // keep the first few in full, and always the first of each kind
    if (this.list.length < KEEP_VIOLATIONS || !this.list.some((k) => k.kind === v.kind)) this.list.push({ ...v, worker: this.worker, seed: this.seed, atMs: performance.timeOrigin + performance.now(), trace: traceAll(this.m, this.L, this.worker) });
    if (shouldStop(total, v.kind, this.maxViolations, this.stopOn)) Atomics.compareExchange(this.r, RUN.STOP, 0, 1);
  }
}

/** The run's stop rule: the first violation of a --stop-on kind, else the --max-violations-th. */
export function shouldStop(total: number, kind: string, maxViolations: number, stopOn: readonly string[] | null): boolean {
  if (stopOn !== null) return stopOn.includes(kind);
  return maxViolations > 0 && total >= maxViolations;
}

/** The last events of every worker, the reporting worker's first. */
export function traceAll(m: Int32Array, L: Layout, first: number): string[] {
  const out: string[] = [];
  const order = [first, ...Array.from({ length: L.cfg.workers }, (_, i) => i).filter((w) => w !== first)];
  for (const w of order) for (const e of readRing(m, L, w, TRACE_EVENTS)) out.push(formatEvent(e));
  return out;
}
