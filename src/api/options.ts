/**
 * Library options are the CLI's flags as an object, with the same names
 * (`{ duration: '2s', groups: 2, lock: ['siglock=mcs'], 'max-depth': 48 }`;
 * camelCase spellings such as `maxDepth` are accepted too). They are turned
 * back into argv and parsed by the same node:util parseArgs options as the
 * command, so every value is validated, and every error worded, exactly as
 * on the command line.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../shared/usage-error.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The argv a user would have typed for `opts`; keys in `skip` are the API's own (onProgress, files…). */
export function toArgv(opts: object, options: Options, skip: readonly string[] = []): string[] {
  const argv: string[] = [];
  for (const [key, value] of Object.entries(opts)) {
    if (skip.includes(key) || value === undefined) continue;
    const name = key in options ? key : kebab(key) in options ? kebab(key) : key;
    const def = options[name];
    if (!def) throw new UsageError(`Unknown option '--${name}' (see --help)`);
    if (def.type === 'boolean') {
      if (typeof value !== 'boolean') throw new UsageError(`--${name}: expected true or false, got ${JSON.stringify(value)}`);
      if (value) argv.push(`--${name}`);
      continue;
    }
    const list = Array.isArray(value) ? value : [value];
    if (list.length > 1 && !def.multiple) throw new UsageError(`--${name} takes one value, got ${list.length}`);
    for (const v of list) {
      if (typeof v !== 'string' && typeof v !== 'number') throw new UsageError(`--${name}: expected a string or a number, got ${JSON.stringify(v)}`);
      argv.push(`--${name}`, String(v));
    }
  }
  return argv;
}

/** Parse `opts` as the command would parse its flags. */
/** What parseArgs gives for options `O`. */
export type ValuesOf<O> = { [K in keyof O]?: O[K] extends { multiple: true } ? string[] : O[K] extends { type: 'boolean' } ? boolean : string };

export function parseOptions<O extends Options>(opts: object, options: O, skip: readonly string[] = []): ValuesOf<O> {
  return parseArgs({ args: toArgv(opts, options, skip), options, allowPositionals: false, strict: true }).values as ValuesOf<O>;
}

type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;
type FlagValue<D> = D extends { type: 'boolean' } ? boolean : D extends { multiple: true } ? string | readonly string[] : string | number;

/** The options object type of a command: its flags by their CLI names (`max-depth`), or camelCased (`maxDepth`). */
export type FlagsOf<O> = { -readonly [K in keyof O]?: FlagValue<O[K]> } & { -readonly [K in keyof O as K extends `${string}-${string}` ? Camel<K & string> : never]?: FlagValue<O[K]> };
