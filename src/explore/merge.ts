/**
 * Merging the --json files of `explore FILE --strategy dpor --shard I/N` into one
 * verdict (tsync-lab merge): found if any shard found; exhaustive only if every shard
 * was (and none found); traces, sleep-set cuts and outcomes added up (the shards'
 * traces are disjoint and together exactly the single-machine search's, see
 * strategies/dpor.ts). Refuses, with one line, parts of different searches (workload,
 * design, bug, scope, lock plan, shard count or depth differ), overlapping parts and a
 * missing part.
 */
import { UsageError } from '../shared/usage-error.ts';
import type { OutcomeCount, ShardReport } from './explore.ts';
import type { ExploreJson } from './format.ts';

export interface ExploreShardFile {
  file: string;
  json: ExploreJson & { shard: ShardReport };
}

/** Is this parsed JSON an explore shard (rather than an experiment result)? */
export function isExploreShard(value: unknown): value is ExploreJson & { shard: ShardReport } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const s = v.shard as Record<string, unknown> | undefined;
  return typeof v.found === 'boolean' && typeof v.traces === 'number' && typeof v.exhaustive === 'boolean' && typeof s === 'object' && s !== null && typeof s.search === 'object';
}

export interface ExploreMerged {
  found: boolean;
  /** the shard that found, its schedules and violation */
  foundBy: number | null;
  schedule: string | null;
  minimal: string | null;
  violation: ExploreJson['violation'];
  exhaustive: boolean;
  traces: number;
  sleepBlocked: number;
  /** executions run by all shards (probes not counted) */
  iterations: number;
  /** the slowest shard's time */
  elapsedMs: number;
  shards: number;
  depth: number;
  search: ShardReport['search'];
  outcomes: OutcomeCount[];
}

export function mergeExploreShards(parts: ExploreShardFile[]): ExploreMerged {
  const first = parts[0]!;
  const s0 = first.json.shard;
  const key = (s: ShardReport) => JSON.stringify(s.search);
  const byIndex = new Map<number, string>();
  for (const p of parts) {
    const s = p.json.shard;
    if (key(s) !== key(s0) || s.depth !== s0.depth)
      throw new UsageError(`merge: "${p.file}" and "${first.file}" are parts of different searches (${key(s) !== key(s0) ? 'file, design, bug, scope, lock plan or lock code (--grant-locks)' : 'shard depth'} differ)`);
    if (s.count !== s0.count) throw new UsageError(`merge: "${p.file}" is shard ${s.index}/${s.count} but "${first.file}" is ${s0.index}/${s0.count}: shard counts differ`);
    const again = byIndex.get(s.index);
    if (again !== undefined) throw new UsageError(`merge: "${again}" and "${p.file}" overlap: both are shard ${s.index}/${s.count}`);
    byIndex.set(s.index, p.file);
  }
  const missing: number[] = [];
  for (let i = 1; i <= s0.count; i++) if (!byIndex.has(i)) missing.push(i);
  if (missing.length) throw new UsageError(`merge: shard(s) ${missing.join(', ')} of ${s0.count} missing: a verdict needs every part of the search`);
  const sorted = [...parts].sort((a, b) => a.json.shard.index - b.json.shard.index);
  const finder = sorted.find((p) => p.json.found) ?? null;
  const outcomes = new Map<string, OutcomeCount>();
  for (const p of sorted)
    for (const o of p.json.shard.outcomes) {
      const c = outcomes.get(o.line);
      if (c) c.count += o.count;
      else outcomes.set(o.line, { ...o });
    }
  return {
    found: finder !== null,
    foundBy: finder ? finder.json.shard.index : null,
    schedule: finder?.json.schedule ?? null,
    minimal: finder?.json.minimal ?? null,
    violation: finder?.json.violation ?? null,
    exhaustive: finder === null && sorted.every((p) => p.json.exhaustive),
    traces: sorted.reduce((a, p) => a + p.json.traces, 0),
    sleepBlocked: sorted.reduce((a, p) => a + p.json.sleepBlocked, 0),
    // every execution the shards ran: their traces (iterations counts those), the sleep-set cuts and the probes
    iterations: sorted.reduce((a, p) => a + p.json.iterations + p.json.sleepBlocked + p.json.shard.probes, 0),
    elapsedMs: Math.max(...sorted.map((p) => p.json.elapsedMs)),
    shards: s0.count,
    depth: s0.depth,
    search: s0.search,
    outcomes: [...outcomes.values()],
  };
}

/** The merged verdict as text: the same last line as a single-machine explore. */
export function formatExploreMerged(m: ExploreMerged): string {
  const s = m.search;
  const out = [`search: ${s.workload}, design ${s.design}${s.bug ? `, bug ${s.bug}` : ''}, scope ${s.scope}; dpor in ${m.shards} shard(s) below depth ${m.depth}`];
  out.push(`${m.traces} trace(s), ${m.sleepBlocked} execution(s) cut by sleep sets, ${m.iterations} execution(s) in all; slowest shard ${Math.round(m.elapsedMs)} ms`);
  if (m.outcomes.length) {
    out.push('outcomes:');
    for (const c of [...m.outcomes].sort((a, b) => b.count - a.count)) out.push(`  ${String(c.count).padStart(8)}  ${c.expect.padEnd(11)}  ${c.line}${c.desc ? `   (${c.desc})` : ''}`);
  }
  if (m.found) {
    out.push(`found by shard ${m.foundBy}/${m.shards}: ${m.violation ? `${m.violation.kind}: ${m.violation.message}` : ''}`);
    out.push(`minimal schedule: ${m.minimal}`);
  } else if (m.exhaustive) out.push(`exhaustive: ${m.traces} traces, clean`);
  else out.push(`not exhaustive: some shard was cut (--iterations or interrupted); ${m.traces} traces, clean so far`);
  return out.join('\n');
}
