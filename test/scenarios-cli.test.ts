/**
 * `tsync-lab scenario FILE [--design NAME] [--json]`: the output contract and the
 * exit codes. Every kind of bad input is checked in-process (one line naming the
 * JSON path); a handful of real spawns check what the command does with it:
 * exactly the result JSON on stdout with --json, exit 1 plus a readable diff on an
 * expect mismatch, exit 2 plus one stderr line on bad input.
 */
import test from 'ava';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenarioFile, parseScenarioText } from '../src/scenario/parse.ts';
import { runScenario } from '../src/scenario/run.ts';
import { run as scenarioCommand } from '../src/cli/scenario.ts';
import { UsageError } from '../src/shared/usage-error.ts';
import { cli as runCli } from './helpers/cli.ts';
import { tmpFolder } from './helpers/tmp.ts';

const DIVERGENCE = fileURLToPath(new URL('scenarios/two_siblings_with_one_divergence.json', import.meta.url));
const TMP = tmpFolder('tsync-scenario-cli-');

const cli = (args: string[]) => runCli(['scenario', ...args]);

function file(name: string, text: string): string {
  const p = join(TMP, name);
  writeFileSync(p, text);
  return p;
}

const step = (o: object) => o;
const scenario = (threads: string[], steps: object[], extra: object = {}) => JSON.stringify({ threads, steps, ...extra });

/** Every kind of bad input, with the JSON path its message must name. */
const BAD: { name: string; text: string; path: string; words: RegExp }[] = [
  { name: 'invalid JSON', text: '{ "threads": ["main"], "steps": [', path: '$', words: /invalid JSON/ },
  { name: 'not an object', text: '[]', path: '$', words: /object/ },
  { name: 'unknown op', text: scenario(['a'], [step({ thread: 'a', op: 'fork' })]), path: '$.steps[0].op', words: /must be one of/ },
  { name: 'unknown flag', text: scenario(['a'], [step({ thread: 'a', op: 'attach', filter: 'f', flags: ['tsync', 'log'] })]), path: '$.steps[0].flags[1]', words: /must be one of/ },
  { name: 'duplicate flag', text: scenario(['a'], [step({ thread: 'a', op: 'attach', filter: 'f', flags: ['tsync', 'tsync'] })]), path: '$.steps[0].flags', words: /duplicate/ },
  { name: 'unknown thread', text: scenario(['a'], [step({ thread: 'a', op: 'set_nnp' }), step({ thread: 'b', op: 'exit' })]), path: '$.steps[1].thread', words: /unknown thread "b"/ },
  { name: 'step by an exited thread', text: scenario(['a', 'b'], [step({ thread: 'b', op: 'exit' }), step({ thread: 'b', op: 'set_nnp' })]), path: '$.steps[1].thread', words: /"b" has exited/ },
  {
    name: 'dead thread (an exited clone child clones)',
    text: scenario(['a'], [step({ thread: 'a', op: 'clone', child: 'c' }), step({ thread: 'c', op: 'exit' }), step({ thread: 'c', op: 'clone', child: 'd' })]),
    path: '$.steps[2].thread',
    words: /"c" has exited/,
  },
  { name: 'duplicate child name (initial thread)', text: scenario(['a', 'b'], [step({ thread: 'a', op: 'clone', child: 'b' })]), path: '$.steps[0].child', words: /duplicate thread name "b"/ },
  {
    name: 'duplicate child name (earlier clone, even dead)',
    text: scenario(['a'], [step({ thread: 'a', op: 'clone', child: 'c' }), step({ thread: 'c', op: 'exit' }), step({ thread: 'a', op: 'clone', child: 'c' })]),
    path: '$.steps[2].child',
    words: /duplicate thread name "c"/,
  },
  { name: 'duplicate initial thread', text: scenario(['a', 'a'], []), path: '$.threads[1]', words: /duplicate/ },
  { name: 'missing threads', text: JSON.stringify({ steps: [] }), path: '$', words: /missing field "threads"/ },
  { name: 'missing steps', text: JSON.stringify({ threads: ['a'] }), path: '$', words: /missing field "steps"/ },
  { name: 'missing op', text: scenario(['a'], [step({ thread: 'a' })]), path: '$.steps[0]', words: /missing field "op"/ },
  { name: 'missing thread', text: scenario(['a'], [step({ op: 'exit' })]), path: '$.steps[0]', words: /missing field "thread"/ },
  { name: 'missing filter', text: scenario(['a'], [step({ thread: 'a', op: 'attach', flags: ['tsync'] })]), path: '$.steps[0]', words: /missing field "filter"/ },
  { name: 'missing child', text: scenario(['a'], [step({ thread: 'a', op: 'clone' })]), path: '$.steps[0]', words: /missing field "child"/ },
  { name: 'unknown field', text: scenario(['a'], [step({ thread: 'a', op: 'exit', design: 'x' })]), path: '$.steps[0]', words: /unknown field "design"/ },
  { name: 'field of another op', text: scenario(['a'], [step({ thread: 'a', op: 'exit', filter: 'x' })]), path: '$.steps[0].filter', words: /not allowed/ },
  { name: 'insns not an integer', text: scenario(['a'], [step({ thread: 'a', op: 'attach', filter: 'x', insns: 1.5 })]), path: '$.steps[0].insns', words: /integer/ },
  { name: 'expect names an unknown thread', text: scenario(['a'], [], { expect: { threads: { zz: { alive: true } } } }), path: '$.expect.threads.zz', words: /unknown thread/ },
];

for (const b of BAD) {
  test(`bad input, in-process: ${b.name}`, (t) => {
    const e = t.throws(() => parseScenarioText(b.text, 'bad.json'));
    t.true(e instanceof UsageError, 'a UsageError: the CLI exits 2');
    t.false(e!.message.includes('\n'), 'one line');
    t.true(e!.message.startsWith(`bad.json: ${b.path}:`), e!.message);
    t.regex(e!.message, b.words);
  });
}

test('unknown design and missing file are usage errors, in-process', async (t) => {
  await t.throwsAsync(scenarioCommand([DIVERGENCE, '--design', 'nope']), { instanceOf: UsageError, message: /unknown design "nope"/ });
  await t.throwsAsync(scenarioCommand([join(TMP, 'does-not-exist.json')]), { instanceOf: UsageError, message: /cannot read/ });
  await t.throwsAsync(scenarioCommand([]), { instanceOf: UsageError });
});

// ---- real spawns (each ~0.5 s) --------------------------------------------------------

test('--json prints exactly the result JSON and nothing else; exit 0 when expect is met', async (t) => {
  const r = await cli([DIVERGENCE, '--json']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  const parsed = JSON.parse(r.stdout) as unknown; // the whole of stdout
  t.deepEqual(parsed, runScenario(parseScenarioFile(DIVERGENCE), { design: 'merged' }));
  t.deepEqual(Object.keys(parsed as object), ['steps', 'threads']);
});

test('expect mismatch: exit 1 with a readable diff on stderr; --json stdout stays pure', async (t) => {
  const s = JSON.parse(readFileSync(DIVERGENCE, 'utf8')) as { expect: { steps: object[]; threads: Record<string, object> } };
  s.expect.steps[5] = { result: 'ok' };
  s.expect.threads['sib1'] = { filters: ['apply', 'root'] };
  const p = file('mismatch.json', JSON.stringify(s));
  const [json, text] = await Promise.all([cli([p, '--json']), cli([p])]);
  for (const r of [json, text]) {
    t.is(r.code, 1);
    t.regex(r.stderr, /2 mismatch/);
    t.regex(r.stderr, /steps\[5\]\.result: expected "ok", \w+ "tsync_failed"/);
    t.regex(r.stderr, /threads\.sib1\.filters: expected \["apply","root"\], \w+ \["root"\]/);
  }
  t.notThrows(() => JSON.parse(json.stdout));
  t.regex(text.stdout, /tsync_failed \(thread sib0\)/, 'the human-readable run is printed too');
});

test('bad input: exit 2 and one line naming the JSON path (invalid JSON, unknown op, exited thread)', async (t) => {
  const picks = ['invalid JSON', 'unknown op', 'step by an exited thread'].map((n) => BAD.find((b) => b.name === n)!);
  const runs = await Promise.all(picks.map((b, i) => cli([file(`bad${i}.json`, b.text), '--json'])));
  runs.forEach((r, i) => {
    t.is(r.code, 2, picks[i]!.name);
    t.is(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    t.is(lines.length, 1, r.stderr);
    t.true(lines[0]!.includes(`${picks[i]!.path}:`), lines[0]);
  });
});

test('unknown design: exit 2, one line', async (t) => {
  const r = await cli([DIVERGENCE, '--design', 'nope']);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.is(r.stderr.trimEnd().split('\n').length, 1);
  t.regex(r.stderr, /unknown design "nope"; designs: merged, separate-sync, force-compose/);
});
