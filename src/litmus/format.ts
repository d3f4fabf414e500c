/** The litmus report as text (the histogram) and as the JSON contract. */
import type { LitmusReport } from './run.ts';
import { RACING_MIN_OVERLAP_PCT, timingOf, type LitmusTiming } from './timing.ts';

const pct = (x: number) => `${(x * 100).toFixed(x < 0.001 && x > 0 ? 4 : 1)}%`;
const num = (x: number) => x.toLocaleString('en-US');

/**
 * `litmus --json` of one file, exactly: { samples, samplesPerSecond, stride, durationMs, seed, outcomes, violations,
 * timing: { measured, overlapPct, startSpreadUs, racing, note } } (timing.ts: racing is overlapPct >= 50; note is
 * null when racing, else the sentence saying the frequencies record scheduling order, not races).
 */
export type LitmusJson = Pick<LitmusReport, 'samples' | 'samplesPerSecond' | 'stride' | 'durationMs' | 'seed' | 'outcomes' | 'violations'> & { timing: LitmusTiming };

/** The timing summary of a report. */
export function timingOfReport(r: LitmusReport): LitmusTiming {
  return timingOf(r.measured, r.overlap, r.meanSkewUs);
}

export function jsonOf(r: LitmusReport): LitmusJson {
  return {
    samples: r.samples,
    samplesPerSecond: r.samplesPerSecond,
    stride: r.stride,
    durationMs: r.durationMs,
    seed: r.seed,
    outcomes: r.outcomes.map((o) => ({ outcome: o.outcome, count: o.count, expect: o.expect, desc: o.desc })),
    violations: r.violations,
    timing: timingOfReport(r),
  };
}

export function formatLitmus(name: string, path: string, design: string, r: LitmusReport): string {
  const out: string[] = [];
  out.push(`${name} (${path}), design ${design}, seed ${r.seed}${r.interrupted ? ' — interrupted' : ''}`);
  out.push(
    `  ${num(r.samples)} samples in ${(r.durationMs / 1000).toFixed(2)} s: ${num(r.samplesPerSecond)} samples/s, stride ${r.stride}` +
      (r.figures.length ? ` (measured: ${r.figures.map((f) => `${f.stride} -> ${num(Math.round(f.samplesPerSecond))}/s`).join(', ')})` : ''),
  );
  out.push(`  ${num(r.copies)} copies prepared once in ${Math.round(r.prepareMs)} ms; ${num(r.resetWordsPerCopy)} words reset per copy per round`);
  if (r.measured > 0)
    out.push(
      `  timing (${num(r.measured)} measured samples): ops overlapped in ${pct(r.overlap)}, an op started inside another actor's siglock window in ${pct(r.inWindow)}, ` +
        `siglock asked for while the other held it in ${pct(r.contended)}; mean start spread ${r.meanSkewUs.toFixed(2)} us, ` +
        `mean op ${r.meanOpUs.toFixed(2)} us (skew bounds ${r.skewBoundNs.map((x) => (x / 1000).toFixed(2)).join('/')} us); spin starts asleep ${pct(r.startSleeps)}`,
    );
  const timing = timingOfReport(r);
  if (timing.note) out.push(`  NOT RACING (overlap under ${RACING_MIN_OVERLAP_PCT}%): ${timing.note}`);
  const w = Math.max(7, ...r.outcomes.map((o) => o.outcome.length));
  out.push(`  ${'count'.padStart(12)}  ${'freq'.padStart(8)}  ${'grade'.padEnd(11)}  ${'outcome'.padEnd(w)}  desc`);
  for (const o of r.outcomes)
    out.push(`  ${num(o.count).padStart(12)}  ${pct(r.samples ? o.count / r.samples : 0).padStart(8)}  ${o.expect.padEnd(11)}  ${o.outcome.padEnd(w)}  ${o.desc}`);
  for (const v of r.violations) {
    out.push(`  VIOLATION ${v.kind} (x${v.count}, first reported by actor ${v.actor}${v.op ? `, ${v.op}` : ''}):`);
    out.push(`    ${v.message}`);
    if (v.tasks.length || v.nodes.length) out.push(`    tasks ${v.tasks.join(',') || '-'} nodes ${v.nodes.join(',') || '-'}`);
  }
  const forbidden = r.outcomes.filter((o) => o.expect === 'forbidden').reduce((x, o) => x + o.count, 0);
  if (r.violations.length || forbidden) out.push(`  FAIL: ${num(forbidden)} forbidden sample(s), ${r.violations.length} violation kind(s)`);
  else out.push(`  ok: no forbidden outcome, no violation${r.outcomes.some((o) => o.expect === 'interesting') ? ' (interesting outcomes seen)' : ''}`);
  return out.join('\n');
}
