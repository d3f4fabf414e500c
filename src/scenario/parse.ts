/**
 * Reading and validating scenario files. Every problem is a UsageError whose
 * message names the file and the JSON path (`$.steps[3].thread`), so the CLI can
 * print one line and exit 2.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { UsageError } from '../shared/usage-error.ts';
import { scenarioSchema } from './schema.ts';
import type { Scenario, Step } from './types.ts';

const ajv = new Ajv({ allErrors: false, strict: true });
const validate = ajv.compile(scenarioSchema);

/** `/steps/3/op` -> `$.steps[3].op` */
export function jsonPath(pointer: string): string {
  if (pointer === '') return '$';
  return (
    '$' +
    pointer
      .split('/')
      .slice(1)
      .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p.replace(/~1/g, '/').replace(/~0/g, '~')}`))
      .join('')
  );
}

export function describe(e: ErrorObject): string {
  const at = jsonPath(e.instancePath);
  switch (e.keyword) {
    case 'required':
      return `${at}: missing field "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'additionalProperties':
      return `${at}: unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    case 'enum':
      return `${at}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${at}: ${e.message ?? 'invalid'}`;
  }
}

class ScenarioError extends UsageError {}

/** Validate an already-parsed value; `source` names it in messages. */
export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const bad = (msg: string): never => {
    throw new ScenarioError(`${source}: ${msg}`);
  };
  if (!validate(value)) bad(describe(validate.errors![0]!));
  const s = value as unknown as { name?: string; privileged?: boolean; threads: string[]; steps: Step[]; expect?: Scenario['expect'] };
  const known = new Set<string>();
  const alive = new Set<string>();
  s.threads.forEach((t, i) => {
    if (known.has(t)) bad(`$.threads[${i}]: duplicate thread name "${t}"`);
    known.add(t);
    alive.add(t);
  });
  s.steps.forEach((st, i) => {
    const at = `$.steps[${i}]`;
    if (!known.has(st.thread)) bad(`${at}.thread: unknown thread "${st.thread}"`);
    if (!alive.has(st.thread)) bad(`${at}.thread: thread "${st.thread}" has exited`);
    const only = (field: keyof Step, ops: string[]) => {
      if (st[field] !== undefined && !ops.includes(st.op)) bad(`${at}.${field}: not allowed for op "${st.op}"`);
    };
    only('filter', ['attach']);
    only('flags', ['attach']);
    only('insns', ['attach']);
    only('child', ['clone']);
    switch (st.op) {
      case 'attach':
        if (st.filter === undefined) bad(`${at}: missing field "filter"`);
        if (st.flags && new Set(st.flags).size !== st.flags.length) bad(`${at}.flags: duplicate flag`);
        break;
      case 'clone':
        if (st.child === undefined) bad(`${at}: missing field "child"`);
        if (known.has(st.child!)) bad(`${at}.child: duplicate thread name "${st.child}"`);
        known.add(st.child!);
        alive.add(st.child!);
        break;
      case 'exit':
        alive.delete(st.thread);
        break;
      default:
        break;
    }
  });
  if (s.expect?.threads) for (const name of Object.keys(s.expect.threads)) if (!known.has(name)) bad(`$.expect.threads.${name}: unknown thread "${name}"`);
  if (s.expect?.steps && s.expect.steps.length > s.steps.length) bad(`$.expect.steps: ${s.expect.steps.length} expectations for ${s.steps.length} steps`);
  const out: Scenario = { name: s.name ?? source, privileged: s.privileged ?? false, threads: s.threads, steps: s.steps };
  if (s.expect) out.expect = s.expect;
  return out;
}

/** Parse JSON text. */
export function parseScenarioText(text: string, source = 'scenario'): Scenario {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`${source}: $: invalid JSON (${(e as Error).message})`);
  }
  return parseScenario(value, source);
}

/** Read and parse a scenario file. */
export function parseScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseScenarioText(text, path);
}
