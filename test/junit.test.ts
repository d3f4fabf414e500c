/**
 * `--junit FILE`: the XML is read back with a real XML parser (fast-xml-parser,
 * after its validator), never a regex. One testcase per run, cell or scenario;
 * a violation, difference or crash is a failure with the one-line summary as
 * message and the full report text as body; hostile text is escaped; a missing
 * folder is a one-line exit 2 before anything runs.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { junitXml } from '../src/junit/xml.ts';
import type { JunitSuite } from '../src/shared/junit.ts';
import { experimentSuite } from '../src/experiment/junit.ts';
import { litmusSuite } from '../src/litmus/junit.ts';
import { stressSuite } from '../src/stress/junit.ts';
import type { LitmusReport } from '../src/litmus/run.ts';
import type { StressReport } from '../src/stress/report.ts';
import type { ExperimentResult } from '../src/experiment/types.ts';
import { cli } from './helpers/cli.ts';
import { kernelGate } from './helpers/kernel.ts';
import { tmpFolder } from './helpers/tmp.ts';

interface XCase {
  '@_name': string;
  '@_classname': string;
  '@_time': string;
  failure?: { '@_message': string; '#text'?: string };
  skipped?: { '@_message': string };
}
interface XSuite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_skipped': string;
  testcase: XCase[];
}
interface XDoc {
  testsuites: { '@_tests': string; '@_failures': string; testsuite: XSuite[] };
}

function parse(xml: string): XDoc {
  const ok = XMLValidator.validate(xml);
  if (ok !== true) throw new Error(`invalid XML: ${JSON.stringify(ok.err)}`);
  const p = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => name === 'testsuite' || name === 'testcase', trimValues: false, processEntities: true, htmlEntities: false });
  return p.parse(xml) as XDoc;
}

// declared before any test: ava needs every test registered synchronously after this
const { kernelTest, why } = await kernelGate('diff --junit tests');

const dir = tmpFolder('tsync-junit-');

test('the writer: counts, failure message and body, skipped, and text that would break XML is escaped', (t) => {
  const nasty = `a <b> & "c" 'd' ]]> \u0001 end`;
  const suites: JunitSuite[] = [
    { name: 's1', cases: [{ name: 'clean', time: 1.5 }, { name: nasty, failure: { message: `one line ${nasty}`, body: `line 1\n${nasty}\nline 3` } }] },
    { name: 's2', cases: [{ name: 'not run', skipped: 'no kernel equivalent <sync>' }] },
  ];
  const doc = parse(junitXml(suites));
  t.is(doc.testsuites['@_tests'], '3');
  t.is(doc.testsuites['@_failures'], '1');
  const [s1, s2] = doc.testsuites.testsuite as [XSuite, XSuite];
  t.is(s1['@_failures'], '1');
  t.is(s1.testcase[0]!.failure, undefined);
  t.is(s1.testcase[0]!['@_time'], '1.5');
  const bad = s1.testcase[1]!;
  const shown = nasty.replace('\u0001', '\uFFFD');
  t.is(bad['@_name'], shown);
  t.is(bad.failure!['@_message'], `one line ${shown}`);
  t.is(bad.failure!['#text'], `line 1\n${shown}\nline 3`);
  t.is(s2['@_skipped'], '1');
  t.is(s2.testcase[0]!.skipped!['@_message'], 'no kernel equivalent <sync>');
});

test('stress --junit: a clean run is one passing testcase; a violation is a failure with the full report as body', async (t) => {
  t.timeout(300_000);
  const own = mkdtempSync(join(dir, 'stress-')); // a folder of its own: the other tests write beside it meanwhile
  const file = join(own, 'stress.xml');
  const json = join(own, 'stress.json');
  const r = await cli(['stress', '--duration', '400ms', '--workers', '2', '--seed', '5', '--quiet', '--junit', file, '--json', json]);
  t.is(r.code, 0, r.stderr);
  const doc = parse(readFileSync(file, 'utf8'));
  const s = doc.testsuites.testsuite[0]!;
  t.is(s['@_name'], 'tsync-lab stress');
  t.is(s.testcase.length, 1);
  t.is(s.testcase[0]!['@_name'], 'stress design=merged scope=siglock seed=5');
  t.is(s.testcase[0]!.failure, undefined);
  t.deepEqual(readdirSync(own).sort(), ['stress.json', 'stress.xml'], 'written atomically: no temp file left');
  // the same report with a violation (the engine's own Violation shape) must fail
  const report = JSON.parse(readFileSync(json, 'utf8')) as StressReport;
  const v = { kind: 'escape' as const, message: 'thread 9 escaped TSYNC through clone\n(second line)', worker: 1, tasks: [9], nodes: [3], op: 'clone', seed: 5, trace: ['1#4 clone 9 3'] };
  const failing = parse(junitXml([stressSuite({ ...report, violations: [v], violationCount: 1, exitCode: 1 })])).testsuites.testsuite[0]!.testcase[0]!;
  t.is(failing.failure!['@_message'], '1 violation, first escape: thread 9 escaped TSYNC through clone');
  t.regex(failing.failure!['#text']!, /VIOLATION escape \(worker 1, op clone, seed 5\)[\s\S]*\(second line\)[\s\S]*last events[\s\S]*violations: 1/);
});

test('stress --junit: a crashed worker (--inject crash) is a failure naming the worker and op', async (t) => {
  t.timeout(300_000);
  const file = join(dir, 'crash.xml');
  const r = await cli(['stress', '--duration', '10s', '--workers', '2', '--inject', 'crash@500', '--quiet', '--junit', file]);
  t.is(r.code, 3, r.stderr);
  const c = parse(readFileSync(file, 'utf8')).testsuites.testsuite[0]!.testcase[0]!;
  t.regex(c.failure!['@_message'], /^crash: worker 0 during \w+: /);
  t.regex(c.failure!['#text']!, /CRASH/);
});

test('experiment --junit: one testcase per cell; a cell whose checker fired is a failure with its replay command', async (t) => {
  t.timeout(300_000);
  const file = join(dir, 'x.xml');
  const json = join(dir, 'x.json');
  const r = await cli(['experiment', '--vary', 'groups=1,2', '--duration', '250ms', '--repeat', '1', '--workers', '2', '--seed', '3', '--quiet', '--json', json, '--junit', file]);
  t.is(r.code, 0, r.stderr);
  const s = parse(readFileSync(file, 'utf8')).testsuites.testsuite[0]!;
  t.deepEqual(s.testcase.map((c) => c['@_name']), ['#1 groups=1', '#2 groups=2']);
  t.is(s['@_failures'], '0');
  const x = JSON.parse(readFileSync(json, 'utf8')) as ExperimentResult;
  const c = x.cells[1]!;
  c.summary.status = 'violations';
  c.summary.violationCount = 1;
  c.runs[0]!.violationCount = 1;
  c.runs[0]!.violations = [{ kind: 'refcount', message: 'node 4 refcount 2, expected 3' }];
  const failing = parse(junitXml([experimentSuite(x)])).testsuites.testsuite[0]!;
  t.is(failing['@_failures'], '1');
  const f = failing.testcase[1]!.failure!;
  t.regex(f['@_message'], /VIOLATIONS.*node 4 refcount 2, expected 3/);
  t.regex(f['#text']!, /replay: npx tsync-lab stress .*--seed \d+/);
  const bad = await cli(['experiment', '--vary', 'groups=1', '--junit', join(dir, 'no', 'x.xml')]);
  t.is(bad.code, 2);
  t.is(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  t.regex(bad.stderr, /--junit: folder of .* does not exist/);
});

kernelTest(`diff --junit (the conformance run): one testcase per scenario; a seeded model bug makes failures${why}`, async (t) => {
  t.timeout(300_000);
  const file = join(dir, 'diff.xml');
  const ok = await cli(['diff', 'test/scenarios', '--junit', file]);
  t.is(ok.code, 0, ok.stderr);
  const s = parse(readFileSync(file, 'utf8')).testsuites.testsuite[0]!;
  const scenarios = readdirSync('test/scenarios').filter((f) => f.endsWith('.json')).length;
  t.is(s.testcase.length, scenarios);
  t.is(s['@_failures'], '0');
  const bugFile = join(dir, 'diff-bug.xml');
  const bad = await cli(['diff', 'test/scenarios', '--bug', 'nnp-not-spread', '--junit', bugFile]);
  t.is(bad.code, 1, bad.stderr);
  const b = parse(readFileSync(bugFile, 'utf8')).testsuites.testsuite[0]!;
  const failed = b.testcase.filter((c) => c.failure);
  t.true(failed.length > 0 && failed.length < scenarios, `${failed.length} failures`);
  t.is(b['@_failures'], String(failed.length));
  t.regex(failed[0]!.failure!['@_message'], /^\d+ difference\(s\) between the model \(design merged\) and Linux \S+: /);
  t.true(failed[0]!.failure!['#text']!.split('\n').length >= 2, 'the body lists the differences');
});

test('explore --junit: a found violation is one failing testcase whose body has the schedule and the interleaving table; a clean search passes', async (t) => {
  t.timeout(300_000);
  const own = mkdtempSync(join(dir, 'explore-'));
  const file = join(own, 'explore.xml');
  const r = await cli(['explore', 'test/concurrent/tsync_vs_clone.json', '--bug', 'clone-copy-early', '--seed', '1', '--junit', file]);
  t.is(r.code, 1, r.stderr);
  const s = parse(readFileSync(file, 'utf8')).testsuites.testsuite[0]!;
  t.is(s['@_name'], 'tsync-lab explore');
  t.is(s.testcase.length, 1);
  t.is(s['@_failures'], '1');
  const c = s.testcase[0]!;
  t.is(c['@_name'], 'explore test/concurrent/tsync_vs_clone.json design=merged bug=clone-copy-early scope=siglock seed=1');
  t.regex(c.failure!['@_message'], /^found after \d+ schedule\(s\): inheritance: .*\(actor a, a op 0 clone\)$/);
  t.false(c.failure!['@_message'].includes('\n'), 'the message is one line');
  const body = c.failure!['#text']!;
  t.regex(body, /^schedule \(\d+ preemption\(s\), \d+ steps\): ts1:/m);
  t.regex(body, /^step +\| main +\| a/m, 'the interleaving table');
  t.regex(body, /^minimal schedule: ts1:/m);
  t.true(body.includes(r.stdout.trim()), 'the body is the report explore printed');
  t.deepEqual(readdirSync(own), ['explore.xml'], 'written atomically: no temp file left');
  const cleanFile = join(own, 'clean.xml');
  const clean = await cli(['explore', '--threads', '2', '--ops', '2', '--preemptions', '1', '--seed', '3', '--junit', cleanFile]);
  t.is(clean.code, 0, clean.stderr);
  const cs = parse(readFileSync(cleanFile, 'utf8')).testsuites.testsuite[0]!;
  t.is(cs.testcase.length, 1);
  t.is(cs['@_failures'], '0');
  t.regex(cs.testcase[0]!['@_name'], /^explore the stress workload \(stress\.2\.2\) design=merged scope=siglock seed=3$/);
  const bad = await cli(['explore', '--junit', join(own, 'no', 'x.xml')]);
  t.is(bad.code, 2);
  t.regex(bad.stderr.trim(), /^tsync-lab: --junit: folder of .* does not exist$/);
});

test('litmus --junit: one testcase per file, skipped files skipped; a forbidden outcome or a violation is a failure with the histogram', async (t) => {
  t.timeout(300_000);
  const own = mkdtempSync(join(dir, 'litmus-'));
  const file = join(own, 'litmus.xml');
  const json = join(own, 'litmus.json');
  // separate-sync: tsync_vs_clone.json does not apply (skipped), sync_vs_clone.json runs
  const pick = mkdtempSync(join(own, 'files-'));
  for (const f of ['tsync_vs_clone.json', 'sync_vs_clone.json']) writeFileSync(join(pick, f), readFileSync(join('test/concurrent', f)));
  const r = await cli(['litmus', pick, '--design', 'separate-sync', '--duration', '200ms', '--max-stride', '64', '--seed', '2', '--junit', file, '--json']);
  t.is(r.code, 0, r.stderr);
  writeFileSync(json, r.stdout);
  const s = parse(readFileSync(file, 'utf8')).testsuites.testsuite[0]!;
  t.is(s['@_name'], 'tsync-lab litmus');
  t.deepEqual(s.testcase.map((c) => c['@_name'].replace(/ \(.*\)/, '')), ['sync_vs_clone design=separate-sync', 'tsync_vs_clone']);
  t.is(s['@_failures'], '0');
  t.is(s['@_skipped'], '1');
  t.regex(s.testcase[1]!.skipped!['@_message'], /applies to merged, force-compose, not separate-sync/);
  // the same report with a forbidden outcome and a violation must fail, the histogram as its body
  const [one] = JSON.parse(readFileSync(json, 'utf8')) as LitmusReport[];
  const report: LitmusReport = {
    ...one!,
    figures: [],
    copies: 64,
    measured: 0,
    overlap: 0,
    inWindow: 0,
    contended: 0,
    meanSkewUs: 0,
    resetWordsPerCopy: 0,
    prepareMs: 1,
    interrupted: false,
    outcomes: [...one!.outcomes, { outcome: 'main=ok a=ok | b=none', count: 3, expect: 'forbidden', desc: 'the child escaped' }],
  };
  const forbidden = parse(junitXml([litmusSuite([{ path: 'x.json', name: 'x', design: 'merged', report }], { command: 'litmus x.json', seed: 2, bug: null })])).testsuites.testsuite[0]!.testcase[0]!;
  t.is(forbidden.failure!['@_message'], `3 forbidden sample(s) of ${one!.samples}: main=ok a=ok | b=none`);
  t.regex(forbidden.failure!['#text']!, /count\s+freq\s+grade\s+outcome\s+desc[\s\S]*forbidden\s+main=ok a=ok \| b=none\s+the child escaped[\s\S]*FAIL: 3 forbidden/);
  const v = { kind: 'escape', message: 'thread 3 escaped TSYNC\n(second line)', op: 'a op 0 clone', actor: 'a', tasks: [3], nodes: [], count: 2, atSample: 5 };
  const violated = parse(junitXml([litmusSuite([{ path: 'x.json', name: 'x', design: 'merged', report: { ...report, outcomes: one!.outcomes, violations: [v] } }], { command: 'litmus x.json', seed: 2, bug: null })])).testsuites.testsuite[0]!.testcase[0]!;
  t.is(violated.failure!['@_message'], '1 violation kind(s), first escape: thread 3 escaped TSYNC');
  t.regex(violated.failure!['#text']!, /VIOLATION escape \(x2, first reported by actor a, a op 0 clone\):\n {4}thread 3 escaped TSYNC/);
});
