/**
 * `npm run sweep`: the checkers' completeness sweep. Each mutation deletes one `get`,
 * one `put`, one lock or one step of a list walk from the CORRECT model (a copy of
 * src/ in a temporary folder; the checkout is never touched) and runs a stress
 * campaign on it: some checker must report a violation. A mutation whose text is no
 * longer in the source fails the sweep (so it cannot rot silently).
 *   node --import tsx bench/sweep.ts [--duration 20s] [--only NAME] [--json FILE]
 */
import { parseArgs } from 'node:util';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeJsonAtomic } from '../src/shared/json-file.ts';
import { parseDuration } from '../src/shared/flags.ts';
import { MUTATIONS } from './sweep-mutations.ts';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '20s' }, only: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log('usage: npm run sweep -- [--duration 20s] [--only TEXT] [--json FILE]');
  process.exit(0);
}
const durationMs = parseDuration('duration', values.duration!);
const root = fileURLToPath(new URL('..', import.meta.url));
const rows: { name: string; mechanism: string; caught: boolean; kinds: string[]; firstMs: number | null; exitCode: number | null }[] = [];
let stale = 0;
for (const mu of MUTATIONS.filter((x) => !values.only || x.name.includes(values.only))) {
  const dir = mkdtempSync(join(tmpdir(), 'tsync-sweep-'));
  try {
    cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true });
    cpSync(join(root, 'bin'), join(dir, 'bin'), { recursive: true });
    cpSync(join(root, 'package.json'), join(dir, 'package.json'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    const file = join(dir, 'src', mu.file);
    const text = readFileSync(file, 'utf8');
    if (text.split(mu.find).length !== 2) {
      stale++;
      console.log(`STALE  ${mu.name}: its text is not in src/${mu.file} exactly once`);
      continue;
    }
    writeFileSync(file, text.replace(mu.find, mu.replace));
    const json = join(dir, 'report.json');
    const r = spawnSync(process.execPath, [join(dir, 'bin/tsync-lab.mjs'), 'stress', '--duration', `${durationMs}ms`, '--quiet', '--json', json, ...(mu.flags ?? [])], { encoding: 'utf8', timeout: durationMs + 60_000 });
    let kinds: string[] = [];
    let firstMs: number | null = null;
    try {
      const rep = JSON.parse(readFileSync(json, 'utf8')) as { violations: { kind: string }[]; firstViolationMs: number | null; crash: unknown };
      kinds = [...new Set(rep.violations.map((v) => v.kind))];
      firstMs = rep.firstViolationMs;
    } catch {
      kinds = [r.status === 3 ? 'crash (no report)' : `no report (exit ${r.status})`];
    }
    const caught = r.status === 1;
    rows.push({ name: mu.name, mechanism: mu.mechanism, caught, kinds, firstMs, exitCode: r.status });
    console.log(`${caught ? 'caught' : 'MISSED'} ${mu.name.padEnd(48)} ${kinds.join(', ') || '-'}${firstMs !== null ? ` after ${firstMs} ms` : ''}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const missed = rows.filter((r) => !r.caught).length;
console.log(`\n${rows.length - missed}/${rows.length} mutations caught${stale ? `, ${stale} stale` : ''} (stress --duration ${durationMs} ms each)`);
if (values.json) writeJsonAtomic(values.json, { durationMs, rows });
process.exit(missed || stale ? 1 : 0);
