/**
 * The stress engine end to end: every design runs clean on real threads, the
 * report validates against its schema, a crash yields exit 3 and a partial
 * report, bad flags exit 2 with one line.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { runStress } from '../src/stress/run.ts';
import { stressConfigFrom } from '../src/stress/options.ts';
import { stressReportSchema } from '../src/stress/report-schema.ts';
import { DESIGN_NAMES } from '../src/seccomp/designs/index.ts';
import { cli } from './helpers/cli.ts';
import { tmpFolder } from './helpers/tmp.ts';

const validate = new Ajv({ strict: false }).compile(stressReportSchema);

for (const design of DESIGN_NAMES) {
  test.serial(`stress: design ${design} runs clean and its report validates`, async (t) => {
    t.timeout(300_000);
    // a budget of operations, not of time: the same run on an idle and on a busy machine
    const cfg = stressConfigFrom({ design, ops: '20000', duration: '120s', workers: '2', groups: '3', threads: '2..6', 'audit-every': '20ms' });
    t.log(`seed ${cfg.seed}`);
    const r = await runStress(cfg);
    t.true(validate(r), JSON.stringify(validate.errors));
    t.deepEqual(r.violations.map((v) => `${v.kind}: ${v.message}`), []);
    t.is(r.exitCode, 0);
    t.true(r.leakChecked, 'the final leak check ran');
    t.true(r.audits >= 1 || r.durationMs < 200, `${r.audits} audits in ${r.durationMs} ms`);
    const total = Object.values(r.ops).reduce((a, b) => a + b, 0);
    t.true(total >= 20000, `ops ${total}: the budget was run`);
    t.true(r.durationMs < 120_000, 'the budget, not the duration cap, ended the run');
    t.true(r.tsync.ok > 0 && r.tsync.failed > 0, `TSYNC both succeeds and fails: ${JSON.stringify(r.tsync)}`);
    t.true(r.clone.ok > 0 && r.exits > 0);
  });
}

test.serial('stress CLI: --json report, exit 0, seed printed', async (t) => {
  const dir = tmpFolder('tsync-stress-', t);
  const file = join(dir, 'r.json');
  const r = await cli(['stress', '--duration', '800ms', '--workers', '2', '--seed', '42', '--json', file, '--quiet']);
  t.is(r.code, 0, r.stderr + r.stdout);
  t.regex(r.stderr, /seed 42/);
  const report = JSON.parse(readFileSync(file, 'utf8'));
  t.true(validate(report), JSON.stringify(validate.errors));
  t.is(report.seed, 42);
});

test.serial('stress CLI: a crashed worker gives exit 3 and a partial report naming it', async (t) => {
  const dir = tmpFolder('tsync-stress-', t);
  const file = join(dir, 'r.json');
  const r = await cli(['stress', '--duration', '120s', '--workers', '2', '--inject', 'crash@2000', '--json', file, '--quiet'], 150_000);
  t.is(r.code, 3, r.stderr + r.stdout);
  const report = JSON.parse(readFileSync(file, 'utf8'));
  t.true(validate(report), JSON.stringify(validate.errors));
  t.is(report.exitCode, 3);
  t.is(report.crash[0].worker, 0);
  t.regex(report.crash[0].message, /injected crash/);
  t.truthy(report.crash[0].op);
  t.true(report.durationMs < 60_000, 'the run ended long before its 120 s duration instead of hanging');
});

for (const [args, pattern] of [
  [['--threads', '9..2'], /--threads/],
  [['--mix', 'fly=3'], /unknown op kind "fly"/],
  [['--lock', 'siglock=spinny'], /unknown lock kind "spinny"/],
  [['--design', 'nope'], /unknown design "nope"/],
  [['--bogus'], /Unknown option '--bogus'/],
  [['--bug', 'partial-tsync', '--design', 'separate-sync'], /has no code in design "separate-sync"/],
  [['--stop-on', 'sadness'], /unknown violation kind "sadness"/],
] as const) {
  test(`stress CLI: bad input ${args.join(' ')} -> exit 2, one line`, async (t) => {
    const r = await cli(['stress', ...args]);
    t.is(r.code, 2);
    t.regex(r.stderr, pattern);
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
    t.is(r.stdout, '');
  });
}
