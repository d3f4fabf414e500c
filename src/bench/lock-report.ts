/** Text rendering of the lock benchmark, with the issue's targets checked side by side. */
import { fmtCount, textTable, type Column } from '../shared/table.ts';
import type { BenchReport, KindRow } from './lock-bench.ts';

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number | null) => (x === null ? '-' : x.toFixed(2));

/** First column left-aligned, the figures right-aligned. */
function columns(head: string[]): Column[] {
  return head.map((header, i) => ({ header, right: i > 0 }));
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

function targets(r: BenchReport): string[] {
  const out: string[] = [];
  const rows = r.rows;
  const by = (k: string) => rows.find((x) => x.kind === k);
  const list = (xs: KindRow[], v: (x: KindRow) => string) => xs.map((x) => `${x.kind} ${v(x)}`).join(', ');
  const lab = rows.filter((x) => x.kind !== 'native');
  if (lab.length > 0) {
    const ok = lab.every((x) => x.floorRatio <= 1.2);
    out.push(`  uncontended within 1.2x of the floor: ${verdict(ok)} (${list(lab, (x) => `${f2(x.floorRatio)}x`)})`);
  }
  if (by('native')) {
    const fast = lab.filter((x) => ['tas', 'ttas', 'ticket', 'futex'].includes(x.kind));
    if (fast.length > 0) {
      const ok = fast.every((x) => x.ratioToNative! <= 1 / 1.5);
      out.push(`  tas/ttas/ticket/futex >= 1.5x faster than native uncontended: ${verdict(ok)} (${list(fast, (x) => `${f2(1 / x.ratioToNative!)}x`)})`);
    }
    if (lab.length > 0) {
      const ok = lab.every((x) => x.ratioToNative! <= 1);
      out.push(`  no lab lock slower than native uncontended: ${verdict(ok)}`);
    }
  } else out.push('  (native not measured: no ratios to it)');
  const fair = rows.filter((x) => x.kind === 'ticket' || x.kind === 'mcs');
  if (fair.length > 0) {
    const ok = fair.every((x) => x.pingPongRatio <= 1.5);
    out.push(`  fair locks within 1.5x of the ping-pong limit per handoff: ${verdict(ok)} (${list(fair, (x) => `${f2(x.pingPongRatio)}x`)})`);
  }
  return out;
}

export function formatLockBench(r: BenchReport): string {
  const e = r.engine;
  const s = e.seam;
  const lines = [
    `engine (medians of ${r.options.runs} runs; 1 worker unless noted)`,
    `  floor: compareExchange + store on the buffer   ${f1(e.floorNsPerPair)} ns/pair (and next to every kind: column floor ns)`,
    `  cache-line ping-pong, one-way (2 workers)       ${f1(e.pingPongOneWayNs)} ns`,
    `  Atomics.Mutex.lock(m, empty fn), raw V8         ${e.nativeRawNs === null ? 'n/a (no --harmony-struct)' : `${f1(e.nativeRawNs)} ns`}`,
    `  seam, scoped ${s.kind} lock: lock.run ${f1(s.directNs)} ns; Seam.withLock hook null ${f1(s.hookOffNs)} ns (${signed(s.hookOffNs - s.directNs)}); ` +
      `no-op hook ${f1(s.hookOnNs)} ns (${signed(s.hookOnNs - s.directNs)})`,
    '',
    `locks: uncontended = 1 worker, acquire+release (native: run(empty), its only form); contended = 2 workers, ${r.options.ms} ms runs`,
    textTable(
      columns(['kind', 'uncont ns', 'floor ns', 'x floor', 'x native', 'run() ns', '2w acq/s', 'ns/acq', 'pingpong ns', 'x pingpong', 'x native(2w)', 'fairness']),
      r.rows.map((x) => [
        x.kind,
        f1(x.uncontendedNsPerPair),
        f1(x.uncontendedFloorNs),
        f2(x.floorRatio),
        f2(x.ratioToNative),
        f1(x.uncontendedRunNs),
        fmtCount(x.contendedOpsPerSec),
        f1(x.contendedNsPerAcquisition),
        f1(x.pingPongOneWayNs),
        f2(x.pingPongRatio),
        f2(x.contendedRatioToNative),
        f2(x.fairness),
      ]),
    ).trimEnd(),
    '  (x floor: over the floor the same worker measured just before each run; x native: x floor relative to',
    "   native's x floor, below 1 = faster; pingpong ns: one-way handoff measured by the same two workers right",
    '   before each contended run, x pingpong = ns/acq over it, per run; fairness: min/max per-worker share)',
    '',
    'targets (issue 2):',
    ...targets(r),
  ];
  return lines.join('\n') + '\n';
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
}
