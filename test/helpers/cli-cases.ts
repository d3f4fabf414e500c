/**
 * Generated command lines for the CLI property test (test/cli-property.test.ts,
 * `npm run fuzz:cli`): scenario files that are valid, truncated, of wrong types,
 * with unknown keys, huge, or no JSON at all, and flag sets for `scenario`,
 * `stress`, `kernel`, `diff` and `experiment`.
 *
 * Two classes: a `runnable` case uses only valid, cheap flag values (short
 * durations, one or two workers, at most two experiment cells), so it may run
 * and must exit 0, 1 or 2; a `junk` case also has at least one bad flag (an
 * unknown option, a bad value, a missing value, a stray argument) and must exit 2.
 * Either way: one line of error, never a stack trace, never a hang.
 */
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planArb, toScenario } from '../../src/scenario/generate.ts';
import { BUGS } from '../../src/seccomp/bug-registry.ts';

export const COMMANDS = ['scenario', 'kernel', 'diff', 'stress', 'experiment'] as const;
export type Command = (typeof COMMANDS)[number];

type FileSpec =
  | { kind: 'valid' | 'truncated' | 'wrong-type' | 'unknown-key'; scenario: Record<string, unknown>; at: number; pick: number }
  | { kind: 'huge'; which: number }
  | { kind: 'text'; text: string }
  | { kind: 'missing' | 'folder' };

export interface CliCase {
  command: Command;
  runnable: boolean;
  file: FileSpec | null;
  /** argv after the command; `$FILE` = the scenario file, `$OUT` = an output file, `$NOWHERE` = a path in a missing folder */
  args: string[];
}

// --------------------------------------------------------------------- files

const scenarioObj: fc.Arbitrary<Record<string, unknown>> = fc
  .record({ plan: planArb({ maxSteps: 8, withSync: true }), noSync: fc.boolean(), expect: fc.boolean(), priv: fc.boolean() })
  .map(({ plan, noSync, expect }) => {
    const s = toScenario(noSync ? { ...plan, ops: plan.ops.filter((o) => o.kind !== 'sync') } : plan, 8);
    const o: Record<string, unknown> = { name: s.name, privileged: s.privileged, threads: s.threads, steps: s.steps };
    if (expect) o['expect'] = { steps: s.steps.slice(0, 2).map(() => ({ result: 'ok' })) }; // may or may not hold: exit 0 or 1
    return o;
  });

const WRONG: ((s: Record<string, unknown>, i: number) => unknown)[] = [
  (s) => ({ ...s, name: 123 }),
  (s) => ({ ...s, privileged: 'yes' }),
  (s) => ({ ...s, threads: 'main' }),
  (s) => ({ ...s, threads: [5] }),
  (s) => ({ ...s, threads: [] }),
  (s) => ({ ...s, steps: {} }),
  (s) => ({ ...s, steps: [null] }),
  (s) => ({ ...s, expect: [] }),
  (s) => ({ ...s, expect: { steps: 'ok' } }),
  (s) => ({ ...s, expect: { threads: { main: 3 } } }),
  () => [],
  () => null,
  () => 42,
  () => 'scenario',
  (s, i) => mutateStep(s, i, { op: 'fly' }),
  (s, i) => mutateStep(s, i, { insns: '4' }),
  (s, i) => mutateStep(s, i, { insns: 1.5 }),
  (s, i) => mutateStep(s, i, { flags: 'tsync' }),
  (s, i) => mutateStep(s, i, { flags: ['tsync', 'tsync'] }),
  (s, i) => mutateStep(s, i, { thread: 7 }),
  (s, i) => mutateStep(s, i, { thread: 'ghost' }),
  (s, i) => mutateStep(s, i, { child: 'main' }),
  (s, i) => mutateStep(s, i, { filter: '' }),
];

function mutateStep(s: Record<string, unknown>, i: number, patch: Record<string, unknown>): unknown {
  const steps = [...((s['steps'] as unknown[]) ?? [])];
  if (steps.length === 0) return { ...s, steps: [{ thread: 'main', op: 'attach', filter: 'f', ...patch }] };
  steps[i % steps.length] = { ...(steps[i % steps.length] as object), ...patch };
  return { ...s, steps };
}

function unknownKey(s: Record<string, unknown>, i: number): unknown {
  switch (i % 4) {
    case 0:
      return { ...s, extra: true };
    case 1:
      return mutateStep(s, i, { speed: 'fast' });
    case 2:
      return { ...s, expect: { steps: [], bonus: 1 } };
    default:
      return { ...s, expect: { threads: { ghost: { alive: true } } } };
  }
}

/** Large inputs that must still be answered quickly (refused, or cheap to run). */
const HUGE: (() => string)[] = [
  () => JSON.stringify({ threads: Array.from({ length: 300 }, (_, i) => `t${i}`), steps: [{ thread: 't299', op: 'set_nnp' }] }),
  () => JSON.stringify({ threads: Array.from({ length: 5000 }, (_, i) => `t${i}`), steps: [] }),
  () => JSON.stringify({ threads: ['main'], steps: Array.from({ length: 21_000 }, () => ({ thread: 'main', op: 'set_nnp' })) }),
  () => JSON.stringify({ threads: ['main'], steps: [{ thread: 'main', op: 'set_nnp' }, { thread: 'main', op: 'attach', filter: 'f', insns: 1e300 }] }),
  () => JSON.stringify({ threads: ['main'], steps: [{ thread: 'main', op: 'attach', filter: 'f', insns: -(2 ** 53) }] }),
  () => JSON.stringify({ name: 'n'.repeat(200_000), threads: ['m'.repeat(100_000)], steps: [] }),
  () => '['.repeat(100_000) + ']'.repeat(100_000),
  () => `{"threads":["main"],"steps":[],"expect":{"steps":[${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}]}}`,
  () => ' '.repeat(3_000_000) + '{}',
];

const fileArb: fc.Arbitrary<FileSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('valid' as const), scenario: scenarioObj, at: fc.nat(), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncated' as const), scenario: scenarioObj, at: fc.nat(), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wrong-type' as const), scenario: scenarioObj, at: fc.nat(), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unknown-key' as const), scenario: scenarioObj, at: fc.nat(), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge' as const), which: fc.nat({ max: HUGE.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.oneof(fc.string(), fc.constantFrom('', 'null', '42', '"x"', '{}', '[1,2', '{"threads":', '\u0000\u0001\u00ff')) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('missing' as const, 'folder' as const) }) },
);

function fileText(f: FileSpec): string | null {
  switch (f.kind) {
    case 'valid':
      return JSON.stringify(f.scenario);
    case 'truncated': {
      const t = JSON.stringify(f.scenario);
      return t.slice(0, f.at % t.length); // strictly shorter: never valid JSON
    }
    case 'wrong-type':
      return JSON.stringify(WRONG[f.pick % WRONG.length]!(f.scenario, f.at));
    case 'unknown-key':
      return JSON.stringify(unknownKey(f.scenario, f.pick));
    case 'huge':
      return HUGE[f.which]!();
    case 'text':
      return f.text;
    default:
      return null;
  }
}

/** Whether a file spec is a scenario file that parses. */
export function fileIsValid(f: FileSpec | null): boolean {
  return f !== null && f.kind === 'valid';
}

// --------------------------------------------------------------------- flags

const bugNames = BUGS.map((b) => b.name);
const DESIGNS = ['merged', 'separate-sync', 'force-compose'];

/** flag -> [valid cheap values ([] = a boolean flag), invalid values] */
type Vocab = Record<string, [string[], string[]]>;

const STRESS_BASE: Vocab = {
  '--design': [DESIGNS, ['nope', '', 'MERGED']],
  '--scope': [['siglock', 'tasklist', 'threadgroup'], ['global', '']],
  '--workers': [['1', '2'], ['0', '65', 'x', '1e3', '99999999999999999999']],
  '--groups': [['1', '2'], ['0', '2000000', '-1', 'many']],
  '--threads': [['2..4', '1..2', '3'], ['5..2', '0..1', '1..99999999', 'x', '2..']],
  '--mix': [['attach=3,clone=1,exit=1', 'syscall=1'], ['nope=1', 'attach=x', 'attach=0,tsync=0,tsync_esrch=0,sync=0,clone=0,exit=0,set_nnp=0,syscall=0', '=']],
  // lock kinds: not native (it re-executes node with --harmony-struct)
  '--lock': [['siglock=ttas', 'tasklist=ticket', 'siglock=mcs', 'siglock=futex'], ['siglock=bogus', 'x', 'bogus=tas']],
  '--noise': [['0', '0.01'], ['2', '-0.1', 'x', 'NaN']],
  '--max-depth': [['8', '48'], ['0', '6001', 'deep']],
};

const VOCAB: Record<Command, Vocab> = {
  scenario: {
    '--design': [DESIGNS, ['nope']],
    '--bug': [bugNames, ['no-such-bug', '']],
    '--scope': [['siglock', 'tasklist', 'threadgroup'], ['global']],
    '--json': [[], []],
  },
  kernel: {
    '--json': [[], []],
    '--timeout': [['5s', '30s'], ['0', 'x', '2h', '500ms', '-1s']],
    '--duration': [[], ['x', '0', '25h']],
    '--cloners': [[], ['0', '17', 'x']],
    '--epoch': [[], ['0', '2001', 'x']],
  },
  diff: {
    '--design': [['merged'], ['nope']],
    '--bug': [bugNames, ['no-such-bug']],
    '--json': [[], []],
    '--timeout': [['5s'], ['0', 'x', '2h']],
    '--seed': [[], ['-1', 'x', '99999999999', '1.5']],
    '--max-steps': [[], ['0', '1001', 'x']],
  },
  stress: {
    ...STRESS_BASE,
    '--duration': [['50ms', '100ms'], ['0', 'x', '25h', '-1s', '10 s']],
    '--bug': [[], ['no-such-bug']],
    '--seed': [['1', '4294967295'], ['-1', '4294967296', 'x']],
    '--no-lockdep': [[], []],
    '--latency': [[], []],
    '--quiet': [[], []],
    '--max-violations': [['0', '1'], ['-1', 'x', '1000001']],
    '--stop-on': [['leak', 'escape,leak'], ['bogus', ',']],
    '--audit-every': [['0', '50ms'], ['x', '-1']],
    '--watchdog': [['2s'], ['x', '0']],
    '--livelock': [['5s'], ['x', '0']],
    '--json': [['$OUT'], ['$NOWHERE', '/', '']],
    '--inject': [[], ['crash', 'boom@1', 'stall@0', 'crash@x']],
  },
  experiment: {
    ...STRESS_BASE,
    '--vary': [['groups=1,2', 'scope=siglock,tasklist', 'siglock=ttas,mcs', 'design=merged'], ['bogus=1', 'groups=', 'groups=0', 'groups', 'threads=9..1']],
    '--preset': [[], ['nope', '']],
    '--duration': [['50ms'], ['0', 'x', '25h']],
    '--repeat': [['1'], ['0', '101', 'x']],
    '--seed': [['7'], ['-1', 'x']],
    '--json': [['$OUT'], ['$NOWHERE']],
    '--html': [['$OUT.html'], ['$NOWHERE']],
    '--quiet': [[], []],
    '--bug': [[], ['no-such-bug']],
  },
};

interface FlagPick {
  flag: number;
  value: number;
}

const picks = fc.array(fc.record({ flag: fc.nat(), value: fc.nat() }), { maxLength: 5 });

/** Valid flags for a runnable case (each flag once; values from the valid list). */
function validArgs(command: Command, ps: FlagPick[]): string[] {
  const entries = Object.entries(VOCAB[command]).filter(([f, [valid]]) => valid.length > 0 || BOOLEAN_FLAGS.has(f));
  const out: string[] = [];
  const used = new Set<string>();
  for (const p of ps) {
    const [flag, [valid]] = entries[p.flag % entries.length]!;
    if (used.has(flag)) continue;
    used.add(flag);
    if (valid.length === 0) out.push(flag);
    else out.push(flag, valid[p.value % valid.length]!);
  }
  return out;
}

const BOOLEAN_FLAGS = new Set(['--json', '--no-lockdep', '--latency', '--quiet']);

/** One bad thing: a bad value, an unknown flag, a missing value, a stray argument. */
function badArgs(command: Command, p: FlagPick, how: number): string[] {
  const entries = Object.entries(VOCAB[command]).filter(([f, [, invalid]]) => invalid.length > 0 && !BOOLEAN_FLAGS.has(f));
  switch (how % 5) {
    case 0:
    case 1: {
      const [flag, [, invalid]] = entries[p.flag % entries.length]!;
      return [flag, invalid[p.value % invalid.length]!];
    }
    case 2:
      // a value given to a boolean flag: --json is one for scenario, kernel and diff, --quiet for the others
      return [['--frobnicate', '-x', command === 'stress' || command === 'experiment' ? '--quiet=yes' : '--json=yes', '--no-such-flag', '---'][p.value % 5]!];
    case 3: {
      const [flag] = entries[p.flag % entries.length]!;
      return ['$LAST', flag]; // a value-taking flag at the very end, with no value
    }
    default:
      return [command === 'diff' ? '$NOWHERE' : 'stray-argument'];
  }
}

export const cliCaseArb: fc.Arbitrary<CliCase> = fc
  .record({
    command: fc.constantFrom(...COMMANDS),
    runnable: fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, { weight: 3, arbitrary: fc.constant(false) }),
    file: fileArb,
    mode: fc.nat({ max: 9 }),
    valid: picks,
    bad: fc.record({ flag: fc.nat(), value: fc.nat() }),
    how: fc.nat(),
  })
  .map(({ command, runnable: r, file, mode, valid, bad, how }): CliCase => {
    // a runnable stress or experiment starts worker threads (about a second each): a third as many
    const runnable = r && (command === 'stress' || command === 'experiment' ? how % 3 === 0 : true);
    const args = validArgs(command, valid);
    let usesFile = command === 'scenario' || command === 'kernel' || command === 'diff';
    // kernel and diff have modes without a FILE
    if (command === 'kernel' && mode === 0) (usesFile = false), args.unshift('--check');
    if (command === 'kernel' && mode === 1) (usesFile = false), args.unshift('--race', '--duration', '100ms', '--cloners', '1', '--epoch', '8');
    if (command === 'diff' && mode <= 1) (usesFile = false), args.unshift('--fuzz', String(1 + (mode % 3)), '--seed', String(how % 1000), '--max-steps', '6');
    if (command === 'kernel' && !usesFile) removeFlag(args, '--timeout');
    if (command === 'stress' || command === 'experiment') {
      // every runnable stress or experiment is short: force a short duration and little parallelism
      if (!args.includes('--duration')) args.push('--duration', '50ms');
      if (!args.includes('--workers')) args.push('--workers', '1');
      if (!args.includes('--groups')) args.push('--groups', '2');
      if (command === 'experiment' && !args.includes('--repeat')) args.push('--repeat', '1');
    }
    if (!runnable) {
      const b = badArgs(command, bad, how);
      // the bad flag replaces any valid copy (node's parseArgs keeps the last one given)
      if (b[0] === '$LAST') {
        removeFlag(args, b[1]!);
        args.push(b[1]!);
      } else {
        if (b[0]!.startsWith('--') && b.length === 2) removeFlag(args, b[0]!);
        args.splice(how % (args.length + 1), 0, ...b);
      }
    }
    if (usesFile) args.unshift('$FILE');
    return { command, runnable, file: usesFile ? file : null, args };
  });

/** Remove every copy of `flag` (and its value). */
function removeFlag(args: string[], flag: string): void {
  for (let i = args.indexOf(flag); i >= 0; i = args.indexOf(flag)) args.splice(i, BOOLEAN_FLAGS.has(flag) ? 1 : 2);
}

/** Write the case's file (if any) under `dir` and return the argv to run. */
export function materialize(c: CliCase, dir: string, n: number): string[] {
  const file = join(dir, `case-${n}.json`);
  if (c.file) {
    if (c.file.kind === 'folder') {
      mkdirSync(file, { recursive: true });
      writeFileSync(join(file, 'a.json'), '{"threads":["main"],"steps":[]}');
      writeFileSync(join(file, 'b.json'), '{"threads":');
    } else if (c.file.kind !== 'missing') writeFileSync(file, fileText(c.file)!);
  }
  const subst = (a: string) =>
    a === '$FILE' ? file : a.startsWith('$OUT') ? join(dir, `out-${n}${a.slice(4) || '.json'}`) : a === '$NOWHERE' ? join(dir, 'no-such-folder', 'x.json') : a;
  return [c.command, ...c.args.map(subst)];
}

/** Why a result breaks the contract, or null. */
export function contractBroken(c: CliCase, r: { code: number; stdout: string; stderr: string }): string | null {
  const all = r.stdout + r.stderr;
  if (/^\s+at .+(:\d+:\d+\)?|\(native\))$/m.test(all)) return 'a stack trace';
  if (/internal error/.test(r.stderr)) return 'an internal error';
  if (![0, 1, 2].includes(r.code)) return `exit ${r.code}`;
  if (!c.runnable && r.code !== 2) return `a bad flag but exit ${r.code}`;
  const errLines = r.stderr.split('\n').filter((l) => l.startsWith('tsync-lab: '));
  if (r.code === 2) {
    if (errLines.length !== 1) return `exit 2 with ${errLines.length} error lines`;
    if (!r.stderr.trimEnd().endsWith(errLines[0]!)) return 'exit 2, but the error is not the last line';
  } else if (errLines.length) return `exit ${r.code} with an error line`;
  return null;
}
