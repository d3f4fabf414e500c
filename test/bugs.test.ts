/**
 * Every seeded bug is caught on real threads by a violation of an expected kind
 * within a bounded budget (a few attempts, each printing its seed); the catalogue
 * and the switchboard agree.
 */
import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsFiles } from './helpers/sources.ts';
import { runStress } from '../src/engine/stress.ts';
import { stressConfigFrom } from '../src/engine/options.ts';
import { BUGS, bugDesigns, findBug } from '../src/seccomp/bug-registry.ts';
import { DESIGN_NAMES } from '../src/seccomp/designs/index.ts';
import { cli } from './helpers/cli.ts';

const ATTEMPTS = 4;

/** the budget of one attempt; the correct designs must stay clean over the same one */
const attempt = (extra: Record<string, string>) =>
  stressConfigFrom({ duration: '4s', workers: '2', groups: '2', 'audit-every': '250ms', watchdog: '1s', livelock: '2s', ...extra });

for (const design of DESIGN_NAMES) {
  test.serial(`control: design ${design} without a bug stays clean over one attempt's budget`, async (t) => {
    t.timeout(60_000);
    const cfg = attempt({ design });
    const r = await runStress(cfg);
    t.log(`seed ${cfg.seed}, ${r.durationMs} ms, ${Object.values(r.ops).reduce((a, b) => a + b, 0)} ops`);
    t.deepEqual(r.violations.map((v) => `${v.kind}: ${v.message}`), []);
    t.is(r.exitCode, 0);
  });
}

for (const bug of BUGS) {
  test.serial(`bug ${bug.name} is caught (${bug.catches.join(' | ')})`, async (t) => {
    t.timeout(90_000);
    const seen: string[] = [];
    for (let i = 0; i < ATTEMPTS; i++) {
      const cfg = attempt({ bug: bug.name, 'stop-on': bug.catches.join(',') });
      const r = await runStress(cfg);
      const kinds = r.violations.map((v) => v.kind);
      t.log(`attempt ${i + 1}: seed ${cfg.seed}, ${r.durationMs} ms, found ${[...new Set(kinds)].join(', ') || 'nothing'}`);
      seen.push(...kinds);
      if (kinds.some((k) => (bug.catches as string[]).includes(k))) return t.pass(); // that kind, not just any
    }
    t.fail(`not caught in ${ATTEMPTS} attempts; saw ${seen.join(', ') || 'no violation'}`);
  });
}

test('bugs --json lists every bug of the switchboard with name, origin, catches', async (t) => {
  const r = await cli(['bugs', '--json']);
  t.is(r.code, 0);
  const listed = JSON.parse(r.stdout) as { name: string; origin: string; catches: string[] }[];
  t.deepEqual(listed, BUGS.map((b) => ({ name: b.name, origin: b.origin, catches: b.catches })));
  t.true(listed.length >= 14);
});

test('each seeded bug is one file under src/seccomp/bugs/, and the correct model names none of them', (t) => {
  const dir = fileURLToPath(new URL('../src/seccomp/bugs/', import.meta.url));
  t.deepEqual(readdirSync(dir).map((f) => f.replace(/\.ts$/, '')).sort(), BUGS.map((b) => b.name).sort());
  const src = fileURLToPath(new URL('../src/', import.meta.url));
  const model = tsFiles(src).filter((f) => !f.startsWith(dir));
  const offenders: string[] = [];
  for (const f of model) {
    const text = readFileSync(f, 'utf8');
    if (/bug (===|!==)/.test(text)) offenders.push(`${f}: a bug switch`);
    for (const b of BUGS) if (text.includes(`'${b.name}'`)) offenders.push(`${f}: names '${b.name}'`);
  }
  t.deepEqual(offenders, []);
});

test("a bug's designs follow from the operations it replaces", (t) => {
  const names = (b: string) => bugDesigns(findBug(b)).map((d) => d.name);
  t.deepEqual(names('partial-tsync'), ['merged']); // attachFilter: merged only
  t.deepEqual(names('check-unlocked'), ['merged']); // tsyncLocks: merged only
  t.deepEqual(names('put-before-get'), ['merged']); // syncThreads: merged only
  t.deepEqual(names('sync-missing-put'), [...DESIGN_NAMES]); // syncThread: every design
  t.deepEqual(names('racy-siglock'), [...DESIGN_NAMES]); // a lock: every design
  for (const b of BUGS) t.true(bugDesigns(b).length > 0, `${b.name} applies to no design`);
});
