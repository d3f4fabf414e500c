/**
 * Long scenarios on the kernel runner (issue 13, part 2): the 1,562-step chain
 * that attaches until ENOMEM used to be killed by the helper's fixed 20 s alarm
 * (each attach probed the whole chain: quadratic syscalls, each walking the
 * chain). Now it runs, its time limit scales with it, and a helper past its
 * limit is a KernelTimeout whose detail holds the helper's output.
 */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { defaultKernelTimeoutMs, runOnKernel } from '../src/kernel/runner.ts';
import { KernelTimeout } from '../src/kernel/errors.ts';
import { runScenario } from '../src/scenario/run.ts';
import { diffResults } from '../src/scenario/compare.ts';
import { InternalError, internalErrorLine, writeInternalLog } from '../src/shared/internal-error.ts';
import { kernelGate } from './helpers/kernel.ts';
import { LONG_FIT, longChainScenario } from './helpers/long-chain.ts';
import { tmpFolder } from './helpers/tmp.ts';

const { kernelTest, why } = await kernelGate('long kernel scenarios');
const long = longChainScenario();

test('the default time limit scales with the scenario', (t) => {
  t.is(long.steps.length, LONG_FIT + 2);
  t.true(defaultKernelTimeoutMs(long) > defaultKernelTimeoutMs({ ...long, steps: long.steps.slice(0, 10) }));
  t.true(defaultKernelTimeoutMs(long) >= 20_000 + 10 * long.steps.length);
});

kernelTest(`the 1,562-step chain runs on the kernel and matches the model${why}`, async (t) => {
  const k = await runOnKernel(long);
  const steps = k.result.steps;
  t.is(steps.filter((r) => r.result === 'ok').length, LONG_FIT + 1);
  t.deepEqual(steps.at(-1), { result: 'error', errno: 'ENOMEM' });
  const main = k.result.threads['main']!;
  t.true(main.alive && main.filters.length === LONG_FIT);
  t.deepEqual(diffResults(runScenario(long, { design: 'merged' }), k.result, ['model', 'kernel']), []);
});

kernelTest(`a helper past its time limit is a KernelTimeout carrying its output${why}`, async (t) => {
  // 1 ms for a run that takes hundreds of ms: the timer always fires first
  const e = await t.throwsAsync(runOnKernel(long, { timeoutMs: 1 }), { instanceOf: KernelTimeout });
  t.regex(e!.message, /time limit of 0\.001s after \d+ of 1562 steps .*--timeout/);
  t.false(e!.message.includes('\n'));
  t.regex(e!.detail, /helper stdout:/);
});

test('an internal error is one line naming a log that holds the stack and the detail', (t) => {
  const dir = tmpFolder('tsync-log-', t);
  const saved = process.env['TSYNC_LAB_LOG_DIR'];
  process.env['TSYNC_LAB_LOG_DIR'] = dir;
  try {
    const e = new InternalError('kernel helper: output ended early', 'step 0 ok\nstep 1 ok');
    const path = writeInternalLog(e, ['kernel', 'x.json']);
    t.truthy(path);
    t.true(existsSync(path!) && path!.startsWith(dir));
    const log = readFileSync(path!, 'utf8');
    t.regex(log, /command: tsync-lab kernel x\.json/);
    t.regex(log, /at .*kernel-long\.test\.ts/); // the stack
    t.regex(log, /--- detail ---\nstep 0 ok\nstep 1 ok/);
    const line = internalErrorLine(e, path);
    t.false(line.includes('\n'));
    t.true(line.includes(`full log: ${path}`));
    t.true(line.includes('TSYNC_LAB_DEBUG=1'));
  } finally {
    if (saved === undefined) delete process.env['TSYNC_LAB_LOG_DIR'];
    else process.env['TSYNC_LAB_LOG_DIR'] = saved;
  }
});
