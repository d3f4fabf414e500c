/**
 * Reading and validating concurrent scenario files. As for `scenario`, every problem
 * is a UsageError naming the file and the JSON path (`$.actors.a[0].child`), so the
 * CLI prints one line and exits 2.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import { UsageError } from '../shared/usage-error.ts';
import { concurrentSchema } from './concurrent-schema.ts';
import { describe } from './parse.ts';
import type { Step } from './types.ts';
import type { ActorOp, ConcurrentScenario, OutcomeRule } from './concurrent-types.ts';

const ajv = new Ajv({ allErrors: false, strict: true });
const validate = ajv.compile(concurrentSchema);

class ConcurrentScenarioError extends UsageError {}

type Raw = {
  name?: string;
  privileged?: boolean;
  designs?: string[];
  threads: string[];
  setup?: Step[];
  actors: Record<string, ActorOp[]>;
  outcomes?: OutcomeRule[];
};

const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

/** Validate an already-parsed value; `source` names it in messages. */
export function parseConcurrent(value: unknown, source = 'scenario'): ConcurrentScenario {
  const bad = (msg: string): never => {
    throw new ConcurrentScenarioError(`${source}: ${msg}`);
  };
  if (!validate(value)) bad(describe(validate.errors![0]!));
  const s = value as unknown as Raw;
  const known = new Set<string>();
  const alive = new Set<string>();
  s.threads.forEach((t, i) => {
    if (known.has(t)) bad(`$.threads[${i}]: duplicate thread name "${t}"`);
    known.add(t);
    alive.add(t);
  });
  /** The rules every op obeys, sequential or not: fields per op, child names, exits. */
  const checkOp = (at: string, thread: string, st: ActorOp) => {
    const only = (field: keyof ActorOp, ops: string[]) => {
      if (st[field] !== undefined && !ops.includes(st.op)) bad(`${at}.${field}: not allowed for op "${st.op}"`);
    };
    only('filter', ['attach', 'tsync_retry']);
    only('flags', ['attach']);
    only('insns', ['attach']);
    only('child', ['clone']);
    if (st.op === 'tsync_retry' && st.filter === undefined) bad(`${at}: missing field "filter"`);
    if (st.op === 'attach') {
      if (st.filter === undefined) bad(`${at}: missing field "filter"`);
      if (st.flags && new Set(st.flags).size !== st.flags.length) bad(`${at}.flags: duplicate flag`);
    } else if (st.op === 'clone') {
      if (st.child === undefined) bad(`${at}: missing field "child"`);
      if (known.has(st.child!)) bad(`${at}.child: duplicate thread name "${st.child}"`);
      known.add(st.child!);
      alive.add(st.child!);
    } else if (st.op === 'exit') alive.delete(thread);
  };
  const setup = s.setup ?? [];
  setup.forEach((st, i) => {
    const at = `$.setup[${i}]`;
    if (!known.has(st.thread)) bad(`${at}.thread: unknown thread "${st.thread}"`);
    if (!alive.has(st.thread)) bad(`${at}.thread: thread "${st.thread}" has exited`);
    checkOp(at, st.thread, st);
  });
  const actorNames = Object.keys(s.actors);
  if (actorNames.length > 8) bad(`$.actors: at most 8 actors, got ${actorNames.length}`);
  for (const a of actorNames) {
    const at = `$.actors${key(a)}`;
    if (!known.has(a)) bad(`${at}: unknown thread "${a}"`);
    if (!alive.has(a)) bad(`${at}: thread "${a}" has exited during setup`);
  }
  // each actor runs as its own thread; once it exited, it can do nothing more
  const actorAlive = new Set(actorNames);
  for (const a of actorNames) {
    s.actors[a]!.forEach((op, i) => {
      const at = `$.actors${key(a)}[${i}]`;
      if (!actorAlive.has(a)) bad(`${at}: thread "${a}" has exited`);
      checkOp(at, a, op);
      if (op.op === 'exit') actorAlive.delete(a);
    });
  }
  const outcomes = s.outcomes ?? [];
  outcomes.forEach((o, i) => {
    if (o.match !== undefined) checkPattern(o.match as Record<string, unknown>, `$.outcomes[${i}].match`, { setup: setup.length, actors: s.actors, threads: known }, bad);
  });
  return {
    name: s.name ?? source,
    privileged: s.privileged ?? false,
    threads: s.threads,
    designs: s.designs ?? null,
    setup,
    actorNames,
    actors: s.actors,
    outcomes,
  };
}

/** A pattern may only name parts of the result that exist, with arrays of the right length. */
function checkPattern(
  p: Record<string, unknown>,
  at: string,
  shape: { setup: number; actors: Record<string, ActorOp[]>; threads: Set<string> },
  bad: (msg: string) => never,
): void {
  for (const [k, v] of Object.entries(p)) {
    const here = `${at}${key(k)}`;
    if (k === 'setup') {
      if (!Array.isArray(v) || v.length !== shape.setup) bad(`${here}: must be an array of ${shape.setup} step pattern(s) (one per setup step)`);
    } else if (k === 'actors') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${here}: must be an object keyed by actor`);
      for (const [a, ops] of Object.entries(v as Record<string, unknown>)) {
        const n = shape.actors[a]?.length;
        if (n === undefined) bad(`${here}${key(a)}: unknown actor "${a}"`);
        if (!Array.isArray(ops) || ops.length !== n) bad(`${here}${key(a)}: must be an array of ${n} result pattern(s) (one per op of "${a}")`);
      }
    } else if (k === 'threads') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${here}: must be an object keyed by thread`);
      for (const name of Object.keys(v as Record<string, unknown>)) if (!shape.threads.has(name)) bad(`${here}${key(name)}: unknown thread "${name}"`);
    } else bad(`${here}: unknown field "${k}" (a pattern has setup, actors, threads)`);
  }
}

export function parseConcurrentText(text: string, source = 'scenario'): ConcurrentScenario {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConcurrentScenarioError(`${source}: $: invalid JSON (${(e as Error).message})`);
  }
  return parseConcurrent(value, source);
}

export interface ConcurrentFile {
  scenario: ConcurrentScenario;
  /** first 12 hex digits of the file's SHA-256: schedules name the file they belong to */
  hash: string;
}

export function readConcurrentFile(path: string): ConcurrentFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConcurrentScenarioError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return { scenario: parseConcurrentText(text, path), hash: createHash('sha256').update(text).digest('hex').slice(0, 12) };
}
