/**
 * Choosing the stride (copies per round), as jcstress does, by measuring: after a
 * warm-up (JIT), each candidate runs for a slice of the calibration budget; the one
 * with the most samples per second of whole rounds (run + evaluate + reset + barriers)
 * is kept for the rest of the run. Rounds of the calibration count as samples too.
 * Runs on the leader actor only; its decision reaches the others through LH.CMD.
 */

export interface StrideFigure {
  stride: number;
  samplesPerSecond: number;
}

export function strideCandidates(maxCopies: number): number[] {
  const out: number[] = [];
  for (let s = 64; s <= maxCopies; s *= 4) out.push(s);
  if (out.length === 0 || out[out.length - 1]! < maxCopies) out.push(maxCopies);
  return out;
}

export class StridePicker {
  private i = -1;
  private sliceEnd = 0;
  private samples = 0;
  private ms = 0;
  readonly figures: StrideFigure[] = [];
  chosen = 0;

  /**
   * @param budgetMs calibration time, split as one warm-up slice then one slice per candidate
   */
  constructor(
    private readonly candidates: number[],
    private readonly budgetMs: number,
  ) {}

  private get sliceMs(): number {
    return this.budgetMs / (this.candidates.length + 1);
  }

  /** The stride of the next round, given the clock; `record` the round after. */
  next(now: number): number {
    if (this.chosen) return this.chosen;
    if (this.i === -1 && this.sliceEnd === 0) this.sliceEnd = now + this.sliceMs; // warm-up on the smallest
    if (now >= this.sliceEnd) {
      if (this.i >= 0) this.figures.push({ stride: this.candidates[this.i]!, samplesPerSecond: this.ms > 0 ? (this.samples * 1000) / this.ms : 0 });
      this.i++;
      this.samples = 0;
      this.ms = 0;
      if (this.i >= this.candidates.length) {
        this.chosen = this.figures.reduce((best, f) => (f.samplesPerSecond > best.samplesPerSecond ? f : best)).stride;
        return this.chosen;
      }
      this.sliceEnd = now + this.sliceMs;
    }
    return this.candidates[Math.max(0, this.i)]!;
  }

  /** A whole round of `stride` copies took `ms`. */
  record(stride: number, ms: number): void {
    if (this.chosen || this.i < 0 || stride !== this.candidates[this.i]) return;
    this.samples += stride;
    this.ms += ms;
  }

  /** The stride in use when the run ended before calibration finished. */
  current(): number {
    return this.chosen || this.candidates[Math.max(0, Math.min(this.i, this.candidates.length - 1))]!;
  }
}
