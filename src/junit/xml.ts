/**
 * JUnit XML, the format CI systems read (Jenkins, GitLab, GitHub test reporters):
 * one <testsuite> per command run, one <testcase> per run, cell, scenario or file.
 * Any command feeds it plain test cases (each engine's junit.ts builds its suite);
 * a finding is a <failure> whose message is the one-line summary and whose body is the full report text. Written atomically.
 */
import { writeFileSync, renameSync } from 'node:fs';
import type { JunitCase, JunitSuite } from '../shared/junit.ts';

/** characters XML 1.0 cannot carry at all, even escaped */
// eslint-disable-next-line no-control-regex
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function xmlEscape(s: string): string {
  return s.replace(INVALID, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const attr = (name: string, v: string | number) => ` ${name}="${xmlEscape(String(v))}"`;
const secs = (t: number) => (Math.round(t * 1000) / 1000).toString();

function caseXml(c: JunitCase, suite: string): string {
  const head = `    <testcase${attr('name', c.name)}${attr('classname', c.classname ?? suite)}${attr('time', secs(c.time ?? 0))}`;
  if (c.failure) return `${head}>\n      <failure${attr('message', c.failure.message)} type="failure">${xmlEscape(c.failure.body)}</failure>\n    </testcase>`;
  if (c.skipped !== undefined) return `${head}>\n      <skipped${attr('message', c.skipped)}/>\n    </testcase>`;
  return `${head}/>`;
}

function suiteXml(s: JunitSuite, timestamp: string): string {
  const failures = s.cases.filter((c) => c.failure).length;
  const skipped = s.cases.filter((c) => !c.failure && c.skipped !== undefined).length;
  const time = s.time ?? s.cases.reduce((a, c) => a + (c.time ?? 0), 0);
  const props = Object.entries(s.properties ?? {});
  const lines = [`  <testsuite${attr('name', s.name)}${attr('tests', s.cases.length)}${attr('failures', failures)} errors="0"${attr('skipped', skipped)}${attr('time', secs(time))}${attr('timestamp', timestamp)}>`];
  if (props.length) lines.push('    <properties>', ...props.map(([k, v]) => `      <property${attr('name', k)}${attr('value', v)}/>`), '    </properties>');
  lines.push(...s.cases.map((c) => caseXml(c, s.name)), '  </testsuite>');
  return lines.join('\n');
}

export function junitXml(suites: JunitSuite[], now: Date = new Date()): string {
  const ts = now.toISOString().replace(/\.\d+Z$/, '');
  const all = suites.flatMap((s) => s.cases);
  const failures = all.filter((c) => c.failure).length;
  const skipped = all.filter((c) => !c.failure && c.skipped !== undefined).length;
  const time = suites.reduce((a, s) => a + (s.time ?? s.cases.reduce((b, c) => b + (c.time ?? 0), 0)), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="tsync-lab"${attr('tests', all.length)}${attr('failures', failures)} errors="0"${attr('skipped', skipped)}${attr('time', secs(time))}>\n${suites.map((s) => suiteXml(s, ts)).join('\n')}\n</testsuites>\n`;
}

/** Temp file + rename, like the JSON reports: a reader never sees half a file. */
export function writeJunitAtomic(path: string, suites: JunitSuite[]): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, junitXml(suites));
  renameSync(tmp, path);
}
