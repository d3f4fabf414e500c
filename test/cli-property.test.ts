/**
 * Bad input at volume (issue 13, part 4): 300 generated command lines (scenario
 * files valid, truncated, of wrong types, with unknown keys, huge; flag sets for
 * scenario, stress, kernel, diff and experiment) run in-process. Each exits 0, 1
 * or 2 (2 whenever a flag is bad), prints at most one error line, never a stack
 * trace, and answers within 120 s (a hang detector, with a margin for an oversubscribed machine). `npm run fuzz:cli -- --runs 10000` runs more.
 */
import test from 'ava';
import { checkCli } from './helpers/cli-property.ts';
import { runInProcess } from './helpers/cli-inproc.ts';
import { contractBroken } from './helpers/cli-cases.ts';

test.serial('300 generated command lines: exit 0/1/2, one error line, no stack trace, no hang', async (t) => {
  const out = await checkCli({ runs: 300, seed: 13 });
  t.log(`${out.runs} cases in ${(out.elapsedMs / 1000).toFixed(1)} s; by command ${JSON.stringify(out.byCommand)}; by exit ${JSON.stringify(out.byExit)}; seconds ${JSON.stringify(out.secondsByCommand)}`);
  t.is(out.failure, null, out.failure ?? '');
  t.is(out.runs, 300);
  for (const exit of ['0', '2']) t.true((out.byExit[exit] ?? 0) > 0, `some cases exit ${exit}`);
});

// the checker itself must be able to fail (negative controls)
test.serial('the contract check rejects a stack trace, exit 3, two error lines and a bad flag that exits 0', (t) => {
  const junk = { command: 'stress' as const, runnable: false, file: null, args: [] };
  const ok = { ...junk, runnable: true };
  t.regex(contractBroken(ok, { code: 2, stdout: '', stderr: 'tsync-lab: x\n    at run (/a/b.ts:1:2)\n' })!, /stack trace/);
  t.regex(contractBroken(ok, { code: 3, stdout: '', stderr: '' })!, /exit 3/);
  t.regex(contractBroken(ok, { code: 2, stdout: '', stderr: 'tsync-lab: a\ntsync-lab: b\n' })!, /2 error lines/);
  t.regex(contractBroken(junk, { code: 0, stdout: '', stderr: '' })!, /bad flag but exit 0/);
  t.is(contractBroken(junk, { code: 2, stdout: '', stderr: 'tsync-lab: --x must be\n' }), null);
});

test.serial('in-process runs capture the output and the exit code', async (t) => {
  const r = await runInProcess(['scenario', '/no/such/file.json'], 10_000);
  t.not(r, 'hang');
  if (r === 'hang') return;
  t.is(r.code, 2);
  t.regex(r.stderr, /^tsync-lab: \/no\/such\/file\.json: cannot read/);
});
