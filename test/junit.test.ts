/**
 * `--junit FILE`: the XML is read back with a real XML parser (fast-xml-parser,
 * after its validator), never a regex. One testcase per run, cell or scenario;
 * a violation, difference or crash is a failure with the one-line summary as
 * message and the full report text as body; hostile text is escaped; a missing
 * folder is a one-line exit 2 before anything runs.
 */
import test from 'ava';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { junitXml, type JunitSuite } from '../src/junit/xml.ts';
import { experimentSuite, stressSuite } from '../src/junit/cases.ts';
import type { StressReport } from '../src/engine/report.ts';
import type { ExperimentResult } from '../src/experiment/types.ts';
import { cli } from './helpers/cli.ts';
import { kernelGate } from './helpers/kernel.ts';

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

const dir = mkdtempSync(join(tmpdir(), 'tsync-junit-'));

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
  t.timeout(60_000);
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
  t.timeout(60_000);
  const file = join(dir, 'crash.xml');
  const r = await cli(['stress', '--duration', '10s', '--workers', '2', '--inject', 'crash@500', '--quiet', '--junit', file]);
  t.is(r.code, 3, r.stderr);
  const c = parse(readFileSync(file, 'utf8')).testsuites.testsuite[0]!.testcase[0]!;
  t.regex(c.failure!['@_message'], /^crash: worker 0 during \w+: /);
  t.regex(c.failure!['#text']!, /CRASH/);
});

test('experiment --junit: one testcase per cell; a cell whose checker fired is a failure with its replay command', async (t) => {
  t.timeout(60_000);
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
  t.timeout(60_000);
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
