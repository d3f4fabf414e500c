/**
 * Experiment axes: what `--vary AXIS=v1,v2,…` may vary, the valid values of each,
 * and how a value turns into stress flags. Values are checked here, before any
 * cell runs, so a typo costs one line and exit 2 instead of a half-run matrix.
 */
import { LOCK_KINDS, type LockRole } from '../locks/kinds.ts';
import { isUserLockSpec } from '../locks/user.ts';
import { UsageError } from '../shared/usage-error.ts';
import { DESIGN_NAMES } from '../seccomp/designs/index.ts';
import { SCOPES } from '../seccomp/context.ts';
import { parseThreads, type StressValues } from '../stress/options.ts';
import { parseProbability } from '../shared/flags.ts';
import { RETRY_POLICIES } from '../stress/config.ts';
import { parseMix, DEFAULT_MIX } from '../stress/mix.ts';
import { OP_KINDS } from '../scenario/op-kinds.ts';

export const AXIS_NAMES = ['design', 'siglock', 'tasklist', 'cred_guard', 'scope', 'groups', 'threads', 'workers', 'mix', 'diverge', 'lifetime', 'retry-policy'] as const;
export type AxisName = (typeof AXIS_NAMES)[number];

/** stress flag values being assembled for a cell (StressValues is read-only) */
export type CellValues = { -readonly [K in keyof StressValues]: StressValues[K] };

/** A varied axis: its name and values in the order given (the order of the tables and charts). */
export interface Axis {
  name: AxisName;
  values: string[];
}

/**
 * Named op mixes for the `mix` axis: a `--vary` value is split on commas, and a
 * literal mix has commas of its own, so the common questions get names.
 * `default` (undefined) passes no --mix: the design's default mix, or a --bug's own.
 */
export const NAMED_MIXES: Record<string, string | undefined> = {
  default: undefined,
  'tsync-heavy': 'attach=1,tsync=12,tsync_esrch=1,clone=2,exit=2,set_nnp=1,syscall=2',
  churn: 'attach=1,tsync=2,tsync_esrch=1,clone=8,exit=8,set_nnp=1,syscall=2',
  'syscall-heavy': 'attach=1,tsync=2,tsync_esrch=1,clone=1,exit=1,set_nnp=1,syscall=24',
};

interface AxisDef {
  /** the valid values, for error messages and --help */
  valid: string;
  /** is the axis a quantity (then it is the preferred x axis of the charts) */
  numeric: boolean;
  ok(value: string): boolean;
  apply(values: CellValues, value: string): void;
}

/** does `f` accept the value without a UsageError */
function accepts(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}

function oneOf(list: readonly string[], apply: (v: CellValues, x: string) => void): AxisDef {
  return { valid: list.join(', '), numeric: false, ok: (x) => list.includes(x), apply };
}

function intAxis(flag: 'groups' | 'workers', lo: number, hi: number): AxisDef {
  return {
    valid: `integers ${lo}..${hi}`,
    numeric: true,
    ok: (x) => /^\d+$/.test(x) && Number(x) >= lo && Number(x) <= hi,
    apply: (v, x) => void (v[flag] = x),
  };
}

/** A per-role lock kind axis: appended after the base --lock entries, so it wins. */
function lockAxis(role: LockRole): AxisDef {
  const apply = (v: CellValues, x: string) => void (v.lock = [...(v.lock ?? []), `${role}=${x}`]);
  // a user's lock module (src/locks/user.ts) is a value too; planCells checks that the file exists
  return { valid: `${LOCK_KINDS.join(', ')}, or a lock module ./path/lock.mjs`, numeric: false, ok: (x) => (LOCK_KINDS as readonly string[]).includes(x) || isUserLockSpec(x), apply };
}

const DEFS: Record<AxisName, AxisDef> = {
  design: oneOf(DESIGN_NAMES, (v, x) => void (v.design = x)),
  siglock: lockAxis('siglock'),
  tasklist: lockAxis('tasklist'),
  cred_guard: lockAxis('cred_guard'),
  scope: oneOf(SCOPES, (v, x) => void (v.scope = x)),
  groups: intAxis('groups', 1, 1024),
  threads: {
    valid: 'LOW..HIGH or N, 1 <= LOW <= HIGH <= 4096 (e.g. 2..8,16..32)',
    numeric: true,
    ok: (x) => accepts(() => parseThreads(x)),
    apply: (v, x) => void (v.threads = x),
  },
  workers: intAxis('workers', 1, 64),
  diverge: {
    valid: 'probabilities 0..1 (the share of ops that are a private attach)',
    numeric: true,
    ok: (x) => accepts(() => parseProbability('diverge', x)),
    apply: (v, x) => void (v.diverge = x),
  },
  lifetime: {
    valid: 'integers 0..1000000 (mean thread lifetime in ops; 0 = off)',
    numeric: true,
    ok: (x) => /^\d+$/.test(x) && Number(x) <= 1_000_000,
    apply: (v, x) => void (v.lifetime = x),
  },
  'retry-policy': oneOf(RETRY_POLICIES, (v, x) => void (v['retry-policy'] = x)),
  mix: {
    valid: `${Object.keys(NAMED_MIXES).join(', ')}, or literal mixes KIND=W,… separated by ";" (kinds: ${OP_KINDS.join(', ')})`,
    numeric: false,
    ok: (x) => x in NAMED_MIXES || accepts(() => parseMix(x, DEFAULT_MIX)),
    apply: (v, x) => {
      const mix = x in NAMED_MIXES ? NAMED_MIXES[x] : x;
      if (mix === undefined) delete v.mix;
      else v.mix = mix;
    },
  },
};

function isAxisName(name: string): name is AxisName {
  return (AXIS_NAMES as readonly string[]).includes(name);
}

export function applyAxis(values: CellValues, name: AxisName, value: string): void {
  DEFS[name].apply(values, value);
}

/** One line per axis with its valid values (for --help). */
export function describeAxes(): string {
  return AXIS_NAMES.map((n) => `    ${n.padEnd(11)} ${DEFS[n].valid}`).join('\n');
}

/**
 * Split the values of one `--vary`: on commas, except for `mix`, whose literal
 * mixes contain commas: there `;` separates values when any value is literal.
 */
function splitValues(name: AxisName, raw: string): string[] {
  if (name === 'mix' && (raw.includes(';') || raw.includes('='))) return raw.split(';').map((s) => s.trim());
  return raw.split(',').map((s) => s.trim());
}

/** Parse one `--vary AXIS=v1,v2,…`. */
export function parseVary(spec: string): Axis {
  const eq = spec.indexOf('=');
  const name = (eq < 0 ? spec : spec.slice(0, eq)).trim();
  if (!isAxisName(name)) throw new UsageError(`--vary: unknown axis "${name}"; axes: ${AXIS_NAMES.join(', ')}`);
  if (eq < 0 || spec.slice(eq + 1).trim() === '') throw new UsageError(`--vary ${name}: no values (expected ${name}=v1,v2,…; valid: ${DEFS[name].valid})`);
  const values = splitValues(name, spec.slice(eq + 1));
  for (const v of values) if (v === '' || !DEFS[name].ok(v)) throw new UsageError(`--vary ${name}: bad value "${v}"; valid: ${DEFS[name].valid}`);
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) throw new UsageError(`--vary ${name}: value "${dup}" given twice`);
  return { name, values };
}

/**
 * Combine axes: later specs replace an earlier axis of the same name (so a user's
 * `--vary groups=…` overrides a preset's), otherwise axes keep their order.
 */
export function mergeAxes(base: Axis[], overrides: Axis[]): Axis[] {
  const out = base.map((a) => ({ ...a, values: [...a.values] }));
  for (const o of overrides) {
    const i = out.findIndex((a) => a.name === o.name);
    if (i >= 0) out[i] = o;
    else out.push(o);
  }
  return out;
}
