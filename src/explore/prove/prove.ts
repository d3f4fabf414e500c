/**
 * `locks --prove`: model-check a lock algorithm by itself. N actors each take and
 * release the lock K times (rw kinds: a read/write mix), every Atomics operation and
 * plain access a step (lock-system.ts), explored by source-DPOR with sleep sets
 * (src/explore/dpor): one execution per Mazurkiewicz trace.
 *
 * Properties, per execution: mutual exclusion; reader-writer exclusion (rw kinds);
 * deadlock freedom and no lost wake-up (at the end of a blocked execution: a sleeper
 * nobody can notify while the lock is free is a lost wake-up, anything else stuck is a
 * deadlock or a livelock); FIFO for fair kinds (`static fair = true`; ticket and mcs
 * among the built-in kinds); and no data race on a plain access.
 *
 * A broken property comes with its minimal schedule: the shortest of the failing
 * executions found, cut to the steps that happen before the failure. It replays
 * (`replaySchedule`): "2x2:0101…", threads x acquisitions, then the actor of every step.
 */
import { LOCK, LSTAT, Layout } from '../../shared/layout.ts';
import { UsageError } from '../../shared/usage-error.ts';
import { makeLock, parseLockKind, type LockKind } from '../../locks/kinds.ts';
import { isUserLockKind, loadUserLock } from '../../locks/user.ts';
import { exploreDpor, type DporEvent, type ExecutionEnd } from '../dpor/dpor.ts';
import { LockSystem, ProveError, type Finding, type LockUnderTest, type PropertyName, type StepRecord } from './lock-system.ts';

export const PROVE_PROPERTIES: readonly PropertyName[] = ['mutual exclusion', 'reader-writer exclusion', 'deadlock freedom', 'no lost wake-up', 'FIFO', 'no data race'];

/** Built-in kinds that serve waiters in arrival order (they do not say `static fair`: they are not modules). */
const FAIR_BUILTINS = new Set(['ticket', 'mcs']);
const RW_BUILTINS = new Set(['rw']);

export interface ProveOptions {
  threads?: number;
  acquisitions?: number;
  /** a bound: stop after this many executions */
  maxExecutions?: number;
  /** a bound: steps per execution */
  maxSteps?: number;
  /** operations a spinner is run ahead to see whether its loop gives up */
  spinProbe?: number;
  onProgress?: (msg: string) => void;
}

export const PROVE_DEFAULTS = { threads: 2, acquisitions: 2, maxExecutions: 200_000, maxSteps: 2000, spinProbe: 2048 } as const;

export interface PropertyResult {
  property: PropertyName;
  status: 'holds' | 'broken' | 'n/a';
  schedule: string | null;
  detail: string;
}

export interface ProveReport {
  lock: string;
  threads: number;
  acquisitions: number;
  exhaustive: boolean;
  traces: number;
  elapsedMs: number;
  properties: PropertyResult[];
  /** added keys: executions that ended blocked, cut by sleep sets, and what bound cut the search */
  blocked: number;
  sleepBlocked: number;
  cutBy: string | null;
  /** the interleaving table of each broken property's schedule (console only) */
  tables?: Record<string, string>;
}

/** The lock under proof, built from a kind name or a module path. */
export async function lockUnderTest(spec: string, threads: number): Promise<LockUnderTest> {
  const kind: LockKind = parseLockKind(spec);
  if (kind === 'native') throw new UsageError('lock kind "native" cannot be proved: V8\'s Atomics.Mutex runs outside the instrumented Atomics');
  if (isUserLockKind(kind)) {
    const def = await loadUserLock(kind);
    const base = 16;
    return {
      name: spec,
      words: 48,
      rw: def.rw,
      fair: def.fair,
      construct: (m, actor) => new def.ctor(m, base, actor),
      isLockWord: (w) => w >= base && w < base + 16,
      isPrivate: () => false,
      wordName: (w) => (w >= base && w < base + 16 ? `w${w - base}` : `m[${w}]`),
    };
  }
  const layout = new Layout({ maxTasks: 1, maxFilters: 1, groups: 1, workers: threads, ringSize: 1, extraLocks: 1, scratchWords: 0 });
  const id = layout.extraLock(0);
  const s = layout.lock(id);
  const names = new Map<number, string>([
    [s + LOCK.STATE, 'state'],
    [s + LOCK.AUX, 'aux'],
    [s + LOCK.OWNER, 'owner'],
    [s + LOCK.WAITER, 'waiter'],
  ]);
  for (let w = 0; w < threads; w++) {
    names.set(layout.qnode(id, w), `q${w}.locked`);
    names.set(layout.qnode(id, w) + 1, `q${w}.next`);
    const st = layout.lstat(id, w);
    for (const [k, off] of Object.entries(LSTAT)) if (k !== 'SIZE') names.set(st + off, `stat${w}.${k.toLowerCase()}`);
  }
  const opts = { watchdogMs: Infinity, maxBackoff: 1 };
  return {
    name: kind,
    words: layout.words,
    rw: RW_BUILTINS.has(kind),
    fair: FAIR_BUILTINS.has(kind),
    construct: (m, actor) => makeLock(kind, m, layout, id, actor, opts),
    isLockWord: (w) => w === s + LOCK.STATE,
    // The diagnostic words (OWNER, WAITER: who holds, who waits, for deadlock reports)
    // are read by no acquire or release: as under explore (lock-code.ts), their accesses
    // are performed but are not steps, so their order does not multiply the traces.
    isPrivate: (w, actor) => {
      if (w === s + LOCK.OWNER || w === s + LOCK.WAITER) return true;
      const st = layout.lstat(id, actor);
      return w >= st && w < st + LSTAT.SIZE;
    },
    wordName: (w) => names.get(w) ?? `m[${w}]`,
  };
}

function intIn(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new UsageError(`${name} must be an integer in ${lo}..${hi}, got ${v}`);
  return v;
}

interface Candidate {
  finding: Finding;
  schedule: number[];
}

/** The steps of `events` that happen before (or are) step `at`, in order: a shorter execution with the same failure. */
function causalPast(events: readonly DporEvent[], at: number): number[] {
  const target = events[at]!;
  const out: number[] = [];
  for (let i = 0; i <= at; i++) {
    const e = events[i]!;
    if (i === at || target.clock[e.actor]! > e.local) out.push(e.actor);
  }
  return out;
}

export function formatSchedule(threads: number, acquisitions: number, actors: readonly number[]): string {
  return `${threads}x${acquisitions}:${actors.join('')}`;
}

export function parseSchedule(text: string): { threads: number; acquisitions: number; actors: number[] } {
  const m = /^([1-4])x([1-9]):([0-3]*)$/.exec(text.trim());
  if (!m) throw new UsageError(`--schedule "${text}": expected THREADSxACQUISITIONS:ACTORS, e.g. 2x2:0101 (as locks --prove prints it)`);
  const threads = Number(m[1]);
  const actors = [...m[3]!].map(Number);
  const bad = actors.find((a) => a >= threads);
  if (bad !== undefined) throw new UsageError(`--schedule "${text}": actor ${bad} in a schedule of ${threads} threads`);
  return { threads, acquisitions: Number(m[2]), actors };
}

/** Run `actors` on a fresh system; returns its findings (with the blocked-end one) and its table rows. */
function runSchedule(sys: LockSystem, actors: readonly number[]): { findings: Finding[]; rows: StepRecord[]; error: string | null; blockedAtEnd: boolean } {
  sys.reset();
  for (let i = 0; i < actors.length; i++) {
    const a = actors[i]!;
    if (!sys.enabled(a)) return { findings: sys.findings.slice(), rows: sys.log.slice(), error: `step ${i + 1}: actor ${a} cannot take a step there`, blockedAtEnd: false };
    sys.step(a);
  }
  const findings = sys.findings.slice();
  let any = false;
  let left = false;
  for (let a = 0; a < sys.actors; a++) {
    if (sys.pending(a) !== null) left = true;
    if (sys.enabled(a)) any = true;
  }
  const blockedAtEnd = left && !any;
  if (blockedAtEnd && findings.length === 0) {
    const f = sys.blockedFinding();
    if (f) findings.push(f);
  }
  return { findings, rows: sys.log.slice(), error: null, blockedAtEnd };
}

/** The interleaving table: actors as columns, one row per step. */
export function formatTable(threads: number, rows: readonly StepRecord[]): string {
  const cols = Array.from({ length: threads }, (_, a) => `actor ${a}`);
  const width = cols.map((c, a) => Math.max(c.length, ...rows.filter((r) => r.actor === a).map((r) => r.text.length)));
  const stepW = Math.max(4, String(rows.length).length);
  const line = (step: string, cells: string[]): string => `  ${step.padStart(stepW)}  ${cells.map((c, a) => c.padEnd(width[a]!)).join('   ')}`.trimEnd();
  const out = [line('step', cols), line('', width.map((w) => '-'.repeat(w)))];
  rows.forEach((r, i) => out.push(line(String(i + 1), cols.map((_, a) => (a === r.actor ? r.text : '')))));
  return out.join('\n') + '\n';
}

/** Prove a lock: explore every trace, check every property. */
export async function proveLock(spec: string, opts: ProveOptions = {}): Promise<ProveReport> {
  const threads = intIn('--threads', opts.threads ?? PROVE_DEFAULTS.threads, 1, 4);
  const acquisitions = intIn('--acquisitions', opts.acquisitions ?? PROVE_DEFAULTS.acquisitions, 1, 9);
  const lut = await lockUnderTest(spec, threads);
  const cfg = { threads, acquisitions, spinProbe: opts.spinProbe ?? PROVE_DEFAULTS.spinProbe };
  const sys = newSystem(lut, cfg);
  const best = new Map<PropertyName, Candidate>();
  const consider = (f: Finding, schedule: number[]): void => {
    const have = best.get(f.property);
    if (!have || schedule.length < have.schedule.length) best.set(f.property, { finding: f, schedule });
  };
  const onExecution = (end: ExecutionEnd): void => {
    for (const f of sys.findings) {
      const sched = f.step >= 0 && f.step < end.events.length ? (f.property === 'mutual exclusion' || f.property === 'reader-writer exclusion' ? causalPast(end.events, f.step) : end.schedule.slice(0, f.step + 1)) : end.schedule.slice();
      consider(f, sched);
    }
    if (end.kind === 'blocked' && sys.findings.length === 0) {
      const f = sys.blockedFinding();
      if (f) consider(f, end.schedule.slice());
    }
  };
  let res;
  try {
    res = exploreDpor(sys, {
      maxExecutions: opts.maxExecutions ?? PROVE_DEFAULTS.maxExecutions,
      maxSteps: opts.maxSteps ?? PROVE_DEFAULTS.maxSteps,
      onExecution,
      progressEvery: 5000,
      onProgress: (c) => opts.onProgress?.(`${c.traces} traces, ${c.blocked} blocked, ${c.sleepBlocked} sleep-set blocked so far`),
    });
  } catch (e) {
    if (e instanceof ProveError) throw new UsageError(e.message);
    throw e;
  }
  // the minimal schedules must replay; a reduced one that does not falls back to nothing shorter than the full prefix
  const tables: Record<string, string> = {};
  const properties: PropertyResult[] = [];
  for (const p of PROVE_PROPERTIES) {
    if ((p === 'reader-writer exclusion' && !lut.rw) || (p === 'FIFO' && !lut.fair)) {
      properties.push({ property: p, status: 'n/a', schedule: null, detail: p === 'FIFO' ? 'the lock does not say it is fair (static fair = true)' : 'not a reader-writer kind' });
      continue;
    }
    const c = best.get(p);
    if (!c) {
      properties.push({
        property: p,
        status: 'holds',
        schedule: null,
        detail: res.exhaustive ? `in all ${res.traces} executions` : `in the ${res.traces} executions explored; not exhaustive: ${res.cutBy}`,
      });
      continue;
    }
    const replay = runSchedule(newSystem(lut, cfg), c.schedule);
    const reproduced = replay.error === null && replay.findings.some((f) => f.property === p);
    properties.push({ property: p, status: 'broken', schedule: formatSchedule(threads, acquisitions, c.schedule), detail: c.finding.detail + (reproduced ? '' : ' (the schedule did not replay: a lab fault)') });
    tables[p] = formatTable(threads, replay.rows);
  }
  return {
    lock: spec,
    threads,
    acquisitions,
    exhaustive: res.exhaustive,
    traces: res.traces,
    elapsedMs: Math.round(res.elapsedMs),
    properties,
    blocked: res.blocked,
    sleepBlocked: res.sleepBlocked,
    cutBy: res.cutBy,
    tables,
  };
}

function newSystem(lut: LockUnderTest, cfg: { threads: number; acquisitions: number; spinProbe: number }): LockSystem {
  try {
    return new LockSystem(lut, cfg);
  } catch (e) {
    if (e instanceof ProveError) throw new UsageError(e.message);
    throw e;
  }
}

export interface ReplayReport {
  lock: string;
  schedule: string;
  findings: Finding[];
  table: string;
  /** the schedule could not be followed (an actor could not step) */
  error: string | null;
}

/** Replay a schedule printed by proveLock: its findings and interleaving table. */
export async function replaySchedule(spec: string, schedule: string, opts: { threads?: number; acquisitions?: number; spinProbe?: number } = {}): Promise<ReplayReport> {
  const s = parseSchedule(schedule);
  if (opts.threads !== undefined && opts.threads !== s.threads) throw new UsageError(`--schedule is for ${s.threads} threads, --threads says ${opts.threads}`);
  if (opts.acquisitions !== undefined && opts.acquisitions !== s.acquisitions) throw new UsageError(`--schedule is for ${s.acquisitions} acquisitions, --acquisitions says ${opts.acquisitions}`);
  const lut = await lockUnderTest(spec, s.threads);
  const sys = newSystem(lut, { threads: s.threads, acquisitions: s.acquisitions, spinProbe: opts.spinProbe ?? PROVE_DEFAULTS.spinProbe });
  let r;
  try {
    r = runSchedule(sys, s.actors);
  } catch (e) {
    if (e instanceof ProveError) throw new UsageError(e.message);
    throw e;
  }
  return { lock: spec, schedule, findings: r.findings, table: formatTable(s.threads, r.rows), error: r.error };
}

/** The console form of a report. */
export function formatProve(r: ProveReport): string {
  const out: string[] = [];
  const scope = `${r.threads} actors x ${r.acquisitions} acquisitions`;
  const how = r.exhaustive
    ? `${r.traces} executions (every trace), ${r.blocked} blocked, ${r.sleepBlocked} cut by sleep sets, ${(r.elapsedMs / 1000).toFixed(2)} s`
    : `${r.traces} executions explored, NOT exhaustive: ${r.cutBy}; ${(r.elapsedMs / 1000).toFixed(2)} s`;
  out.push(`locks --prove ${r.lock}: ${scope}, ${how}`);
  const w = Math.max(...r.properties.map((p) => p.property.length));
  for (const p of r.properties) {
    const mark = p.status === 'holds' ? 'ok' : p.status === 'broken' ? '!!' : '--';
    const detail = p.status === 'holds' ? (r.exhaustive ? `holds, in all ${r.traces} executions` : `holds in the ${r.traces} executions explored (${r.cutBy})`) : p.detail;
    out.push(`  ${mark} ${p.property.padEnd(w)}  ${p.status === 'holds' ? '' : p.status.padEnd(7)}${detail}`.replace(/ +$/, ''));
  }
  for (const p of r.properties) {
    if (p.status !== 'broken') continue;
    out.push('', `${p.property} broken: minimal schedule ${p.schedule} (replay: locks --prove ${r.lock} --schedule ${p.schedule})`);
    out.push(r.tables?.[p.property] ?? '');
    out.push(`  ${p.detail}`);
  }
  const broken = r.properties.filter((p) => p.status === 'broken').length;
  const applicable = r.properties.filter((p) => p.status !== 'n/a').length;
  out.push(broken > 0 ? `${broken} of ${applicable} applicable properties broken` : r.exhaustive ? `all ${applicable} applicable properties hold, in all ${r.traces} executions` : `no property broken in ${r.traces} executions; the search was cut: ${r.cutBy}`);
  return out.join('\n') + '\n';
}

export function formatReplay(r: ReplayReport, threads: number): string {
  void threads;
  const out = [`locks --prove ${r.lock} --schedule ${r.schedule}:`, r.table.trimEnd()];
  if (r.error) out.push(`  the schedule does not replay: ${r.error}`);
  for (const f of r.findings) out.push(`  ${f.property} broken: ${f.detail}`);
  if (!r.error && r.findings.length === 0) out.push('  no property broken in this schedule');
  return out.join('\n') + '\n';
}
