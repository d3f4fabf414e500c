/**
 * Stress options: the flag table (shared by `stress`, `experiment` and the benches)
 * and their conversion into a StressConfig. Every bad value is a one-line UsageError.
 */
import { availableParallelism } from 'node:os';
import { UsageError } from '../shared/usage-error.ts';
import { findDesign } from '../seccomp/designs/index.ts';
import { VIOLATION_KINDS } from '../seccomp/violations.ts';
import { WORLD_FLAGS, parseWorldFlags } from '../seccomp/world-flags.ts';
import { intFlag, parseDuration, parseProbability } from '../shared/flags.ts';
import { defaultMix, parseMix } from './mix.ts';
import { randomSeed } from '../shared/rng.ts';
import { INJECTIONS, RETRY_POLICIES, tasksNeeded, type Injection, type RetryPolicy, type StressConfig } from './config.ts';

export const STRESS_OPTIONS = {
  design: { ...WORLD_FLAGS.design, default: 'merged' },
  bug: WORLD_FLAGS.bug,
  scope: { ...WORLD_FLAGS.scope, default: 'siglock' },
  workers: { type: 'string' },
  groups: { type: 'string', default: '4' },
  threads: { type: 'string', default: '2..8' },
  duration: { type: 'string', default: '10s' },
  ops: { type: 'string' },
  seed: { type: 'string' },
  mix: { type: 'string' },
  lock: WORLD_FLAGS.lock,
  noise: { type: 'string' },
  'no-lockdep': { type: 'boolean', default: false },
  'max-violations': { type: 'string', default: '1' },
  'stop-on': { type: 'string' },
  'audit-every': { type: 'string', default: '1s' },
  watchdog: { type: 'string', default: '2s' },
  livelock: { type: 'string', default: '5s' },
  'max-depth': { type: 'string', default: '48' },
  latency: { type: 'boolean', default: false },
  inject: { type: 'string' },
  'retry-limit': { type: 'string', default: '64' },
  'retry-policy': { type: 'string', default: 'wait' },
  diverge: { type: 'string', default: '0' },
  lifetime: { type: 'string', default: '0' },
} as const;

export type StressValues = { [K in keyof typeof STRESS_OPTIONS]?: (typeof STRESS_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof STRESS_OPTIONS)[K] extends { type: 'boolean' } ? boolean : string };

export function parseThreads(raw: string): [number, number] {
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(raw.trim());
  if (!m) throw new UsageError(`--threads: expected LOW..HIGH (e.g. 2..8), got "${raw}"`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo < 1 || hi < lo || hi > 4096) throw new UsageError(`--threads: need 1 <= LOW <= HIGH <= 4096, got "${raw}"`);
  return [lo, hi];
}

/** `--stop-on use-after-free,leak`: violation kinds. */
export function parseKinds(raw: string | undefined): string[] | null {
  if (raw === undefined) return null;
  const kinds = raw.split(',').map((k) => k.trim()).filter(Boolean);
  for (const k of kinds) if (!(VIOLATION_KINDS as readonly string[]).includes(k)) throw new UsageError(`--stop-on: unknown violation kind "${k}"; kinds: ${VIOLATION_KINDS.join(', ')}`);
  if (!kinds.length) throw new UsageError('--stop-on: no kinds given');
  return kinds;
}

/** `--inject crash@2000`: testing only. */
export function parseInjection(raw: string | undefined): Injection | null {
  if (raw === undefined) return null;
  const m = /^([a-z-]+)@(\d+)$/.exec(raw.trim());
  if (!m || !(INJECTIONS as readonly string[]).includes(m[1]!) || Number(m[2]) < 1)
    throw new UsageError(`--inject: expected KIND@N with N >= 1, kinds: ${INJECTIONS.join(', ')}; got "${raw}"`);
  return { kind: m[1] as Injection['kind'], afterOps: Number(m[2]) };
}

export function parseRetryPolicy(raw: string): RetryPolicy {
  if (!(RETRY_POLICIES as readonly string[]).includes(raw)) throw new UsageError(`--retry-policy: expected ${RETRY_POLICIES.join(' or ')}, got "${raw}"`);
  return raw as RetryPolicy;
}

export function stressConfigFrom(v: StressValues): StressConfig {
  const world = parseWorldFlags(v, { design: 'merged' });
  const designDef = findDesign(world.design!);
  const design = designDef.name;
  const bug = world.bug;
  const [lo, hi] = parseThreads(v.threads ?? '2..8');
  const noise = v.noise === undefined ? (bug?.noise ?? 0) : Number(v.noise);
  if (!Number.isFinite(noise) || noise < 0 || noise > 1) throw new UsageError(`--noise must be a probability in 0..1, got "${v.noise}"`);
  const cores = availableParallelism();
  const cfg: StressConfig = {
    design,
    bug: bug?.name ?? null,
    scope: world.scope,
    workers: intFlag('workers', v.workers, cores, 1, 64),
    groups: intFlag('groups', v.groups, 4, 1, 1024),
    threadsLow: lo,
    threadsHigh: hi,
    durationMs: parseDuration('duration', v.duration ?? '10s'),
    opsBudget: intFlag('ops', v.ops, 0, 1, 1_000_000_000),
    seed: intFlag('seed', v.seed, randomSeed(), 0, 0xffffffff),
    mix: parseMix(v.mix ?? bug?.mix ?? '', defaultMix(designDef)),
    locks: world.plan,
    noise,
    lockdep: !v['no-lockdep'],
    maxViolations: intFlag('max-violations', v['max-violations'], 1, 0, 1_000_000),
    stopOn: parseKinds(v['stop-on']),
    auditEveryMs: v['audit-every'] === '0' ? 0 : parseDuration('audit-every', v['audit-every'] ?? '1s'),
    watchdogMs: parseDuration('watchdog', v.watchdog ?? '2s'),
    livelockMs: parseDuration('livelock', v.livelock ?? '5s'),
    maxDepth: intFlag('max-depth', v['max-depth'], 48, 1, 6000),
    checking: true,
    inject: parseInjection(v.inject),
    latency: !!v.latency,
    retryLimit: intFlag('retry-limit', v['retry-limit'], 64, 1, 65535),
    retryPolicy: parseRetryPolicy(v['retry-policy'] ?? 'wait'),
    diverge: parseProbability('diverge', v.diverge ?? '0'),
    lifetime: intFlag('lifetime', v.lifetime, 0, 0, 1_000_000),
  };
  const needed = tasksNeeded(cfg);
  if (needed > 65535) throw new UsageError(`--groups ${cfg.groups} x --threads ..${cfg.threadsHigh} needs ${needed} task slots; the layout allows 65535`);
  return cfg;
}

export function wantsNative(cfg: StressConfig): boolean {
  return Object.values(cfg.locks).includes('native');
}
