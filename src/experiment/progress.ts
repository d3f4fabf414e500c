/**
 * Progress on stderr while the matrix runs: which cell and repeat, its seed (so a
 * surprising run can be replayed), the ETA from the runs so far, and each run's
 * headline numbers. On a TTY the current run's live ops/s rewrites one line.
 */
import type { Totals } from '../stress/report.ts';
import type { RunEvent } from './run.ts';
import type { RunResult } from './types.ts';
import { fmtCount, fmtDuration, fmtUs } from '../shared/table.ts';
import { OTHER_CPU_LIMIT } from './console.ts';

/** setup and teardown of one stress run (pool start, final audit, leak check), measured ~0.5 s */
const RUN_OVERHEAD_MS = 600;

export class Progress {
  private readonly started = performance.now();
  private done = 0;
  private head = '';
  private etaText = '';
  private lastTotal = 0;
  private lastAt = 0;

  constructor(
    private readonly runMs: number,
    private readonly write: (s: string) => void,
    private readonly tty: boolean,
  ) {}

  /** remaining wall time: observed mean per run once there is one, else the plan */
  eta(e: RunEvent): number {
    const per = this.done ? (performance.now() - this.started) / this.done : this.runMs + RUN_OVERHEAD_MS;
    return per * (e.runs - e.run);
  }

  runStart(e: RunEvent, repeats: number): void {
    this.head = `[${e.run + 1}/${e.runs}] cell ${e.cell.index + 1} run ${e.repeat + 1}/${repeats}: ${e.cell.label}, seed ${e.seed}`;
    this.lastTotal = 0;
    this.lastAt = 0;
    this.etaText = `ETA ${fmtDuration(this.eta(e))}`;
    const line = `${this.head} (${this.etaText})`;
    this.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }

  stress(t: Totals, elapsedMs: number): void {
    if (!this.tty) return;
    const rate = elapsedMs > this.lastAt ? ((t.total - this.lastTotal) / (elapsedMs - this.lastAt)) * 1000 : 0;
    this.lastTotal = t.total;
    this.lastAt = elapsedMs;
    this.write(`\r${this.head}: ${(elapsedMs / 1000).toFixed(0)}s ${fmtCount(Math.round(rate))} ops/s (${this.etaText})\x1b[K`);
  }

  runEnd(r: RunResult): void {
    this.done++;
    const status = r.crash ? 'CRASHED' : r.violationCount ? `VIOLATIONS x${r.violationCount}` : 'ok';
    const loops = r.retry ? `, loops ok ${fmtCount(r.retry.loops.succeeded)}/${fmtCount(r.retry.loops.started)}` : '';
    const p99 = (r.latency && r.latency.count ? `, tsync p99 ${fmtUs(r.latency.p99Us)} us` : '') + loops + (r.otherCpu !== null && r.otherCpu > OTHER_CPU_LIMIT ? ` (other processes took ${Math.round(r.otherCpu * 100)}% of the CPUs)` : '');
    const line = `${this.head}: ${fmtCount(r.opsPerSecond)} ops/s${p99}, ${status}`;
    this.write(this.tty ? `\r${line}\x1b[K\n` : `  -> ${fmtCount(r.opsPerSecond)} ops/s${p99}, ${status}\n`);
  }
}
