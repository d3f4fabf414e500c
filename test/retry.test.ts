/**
 * The tsync_retry caller loops. Deterministically, one attempt at a time on one
 * worker (the scenario runner's setting): a diverged thread that exits after k
 * failed attempts gives success at attempt k+1; with kill, at attempt 2; force-
 * compose succeeds at once. On real threads: force-compose never gives up and
 * takes exactly 1 attempt; merged adds exactly one filter per success to every
 * thread; the retry postcondition fires on a loop that reports success early.
 */
import test from 'ava';
import { Ajv } from 'ajv';
import { Layout, handleSlot } from '../src/shared/layout.ts';
import { LOOP, RunWords } from '../src/stress/run-words.ts';
import { makeCtx } from '../src/seccomp/world.ts';
import { ListReporter } from '../src/seccomp/violations.ts';
import { createProcess } from '../src/seccomp/process.ts';
import { exitThread } from '../src/seccomp/exit.ts';
import { chainLabels } from '../src/seccomp/filter.ts';
import { headOf, setNnp, taskLive, tidOf } from '../src/seccomp/task.ts';
import { CALLER_LOOPS } from '../src/seccomp/retry.ts';
import { DESIGN_NAMES } from '../src/seccomp/designs/index.ts';
import { RetryLoop } from '../src/stress/retry.ts';
import { C } from '../src/stress/counters.ts';
import { Rng } from '../src/shared/rng.ts';
import { stressConfigFrom } from '../src/stress/options.ts';
import { runStress } from '../src/stress/run.ts';
import { stressReportSchema } from '../src/stress/report-schema.ts';
import type { BugName } from '../src/seccomp/bug.ts';
import { cli } from './helpers/cli.ts';

const validate = new Ajv({ strict: false }).compile(stressReportSchema);

/** One group: caller, a library thread with a private filter, a plain sibling. */
function world(design: string, policy: 'wait' | 'kill', bug: BugName | null = null) {
  const L = new Layout({ maxTasks: 8, maxFilters: 64, groups: 1, workers: 1, ringSize: 16, extraLocks: 0, scratchWords: 0 });
  const m = L.create();
  const reporter = new ListReporter(0);
  const ctx = makeCtx(m, 0, { design, bug, reporter });
  const [caller, lib, plain] = createProcess(ctx, { group: 0, threads: 3, privileged: false })!;
  setNnp(ctx, lib!);
  ctx.design.attach(ctx, lib!, { label: 900, insns: 1, flags: 0 }); // the library's own filter
  const cfg = stressConfigFrom({ design, mix: 'tsync_retry=1', 'retry-limit': '10', 'retry-policy': policy, ...(bug ? { bug } : {}) });
  const counts = new Map<number, number>();
  const successes: number[] = [];
  let label = 0;
  const run = new RunWords(L.cfg.maxTasks);
  const loop = new RetryLoop(m, run, ctx, cfg, new Rng(1), () => ++label, (i, d = 1) => void counts.set(i, (counts.get(i) ?? 0) + d), { success: (n) => successes.push(n) });
  /** a thread's loop record in the engine's run words */
  const at = (t: number) => run.task(handleSlot(t));
  const attempt = () => loop.attempt(caller!, at(caller!), tidOf(ctx, caller!));
  return { m, r: run.r, ctx, reporter, caller: caller!, lib: lib!, plain: plain!, loop, counts, successes, attempt, at };
}

test('every design has a caller loop', (t) => {
  t.deepEqual(Object.keys(CALLER_LOOPS).sort(), [...DESIGN_NAMES].sort());
});

for (const design of ['merged', 'separate-sync']) {
  for (const k of [1, 3]) {
    test(`${design}, wait: the library thread exits after ${k} failed attempts, success at attempt ${k + 1}`, (t) => {
      const w = world(design, 'wait');
      for (let i = 1; i <= k; i++) {
        w.attempt();
        t.deepEqual(w.successes, [], `attempt ${i} must fail`);
        t.true(w.loop.active(w.at(w.caller), tidOf(w.ctx, w.caller)));
      }
      exitThread(w.ctx, w.lib);
      w.attempt();
      t.deepEqual(w.successes, [k + 1]);
      t.is(w.counts.get(C.RETRY_ATTEMPTS), k + 1);
      t.is(w.counts.get(C.RETRY_CALLER_ADDED), 1, 'one filter on the caller, however many attempts');
      t.is(w.counts.get(C.RETRY_OTHERS_ADDED), 1);
      t.deepEqual(chainLabels(w.ctx, headOf(w.ctx, w.plain)), [1]);
      t.false(w.loop.active(w.at(w.caller), tidOf(w.ctx, w.caller)));
      t.deepEqual(w.reporter.list, []);
    });
  }

  test(`${design}, kill: the failing thread is exited, success at attempt 2`, (t) => {
    const w = world(design, 'kill');
    w.attempt();
    t.deepEqual(w.successes, []);
    t.false(taskLive(w.ctx, w.lib), 'the thread whose tid came back was exited at once');
    t.is(w.counts.get(C.RETRY_KILLED_NOW), 1);
    w.attempt();
    t.deepEqual(w.successes, [2]);
    t.deepEqual(w.reporter.list, []);
  });

  test(`${design}, kill: a thread claimed elsewhere is marked and exits at its next op`, (t) => {
    const w = world(design, 'kill');
    const libAt = w.at(w.lib);
    Atomics.store(w.r, libAt + LOOP.CLAIM, 99); // running on another worker
    w.attempt();
    Atomics.store(w.r, libAt + LOOP.CLAIM, 0);
    t.true(taskLive(w.ctx, w.lib));
    t.is(w.counts.get(C.RETRY_KILL_MARKS), 1);
    t.is(w.counts.get(C.RETRY_KILLED_NOW), undefined);
    t.is(w.loop.override(w.lib, libAt, tidOf(w.ctx, w.lib), 'syscall'), 'exit');
    t.true(w.loop.forced, 'a kill is not subject to the threads-low mark');
    t.is(w.loop.override(w.plain, w.at(w.plain), tidOf(w.ctx, w.plain), 'syscall'), 'syscall', 'the mark is for that thread only');
    exitThread(w.ctx, w.lib);
    w.attempt();
    t.deepEqual(w.successes, [2]);
  });

  test(`${design}: a loop gives up after --retry-limit attempts`, (t) => {
    const w = world(design, 'wait');
    for (let i = 0; i < 10; i++) w.attempt();
    t.deepEqual(w.successes, []);
    t.is(w.counts.get(C.RETRY_GAVE_UP), 1);
    t.false(w.loop.active(w.at(w.caller), tidOf(w.ctx, w.caller)));
  });
}

test('force-compose: one call, success at attempt 1, the library thread gets a composed node', (t) => {
  const w = world('force-compose', 'wait');
  w.attempt();
  t.deepEqual(w.successes, [1]);
  t.is(w.counts.get(C.RETRY_COMPOSED), 1);
  t.deepEqual(chainLabels(w.ctx, headOf(w.ctx, w.lib)), [1, 900]);
  t.deepEqual(w.reporter.list, []);
});

test('the retry postcondition fires when a loop reports success early (retry-tid-as-success), deterministically', (t) => {
  const w = world('merged', 'wait', 'retry-tid-as-success');
  w.attempt();
  t.deepEqual(w.successes, [1]);
  t.deepEqual(w.reporter.list.map((v) => v.kind), ['tsync-postcondition']);
});

const stress = (extra: Record<string, string>) =>
  stressConfigFrom({ duration: '2s', workers: '2', groups: '3', threads: '2..6', 'audit-every': '500ms', mix: 'tsync_retry=3,tsync=0,tsync_esrch=0,attach=0', diverge: '0.03', ...extra });

test.serial('stress: force-compose never gives up and always takes exactly 1 attempt', async (t) => {
  t.timeout(300_000);
  const cfg = stress({ design: 'force-compose' });
  t.log(`seed ${cfg.seed}`);
  const r = await runStress(cfg);
  t.true(validate(r), JSON.stringify(validate.errors));
  t.deepEqual(r.violations.map((v) => `${v.kind}: ${v.message}`), []);
  const x = r.retry!;
  t.true(x.loops.succeeded > 0, JSON.stringify(x.loops));
  t.is(x.loops.gaveUp, 0);
  t.is(x.loops.gaveUpOnError, 0);
  t.is(x.attempts, x.loops.succeeded + x.loops.unfinished);
  t.deepEqual([x.attemptsPerSuccess!.p50, x.attemptsPerSuccess!.max], [1, 1]);
  t.true(x.perSuccess!.composedThreads > 0, 'diverged threads got composed nodes');
});

test.serial('stress: merged adds exactly one filter per success to every thread (kill policy)', async (t) => {
  t.timeout(300_000);
  const cfg = stress({ design: 'merged', 'retry-policy': 'kill' });
  t.log(`seed ${cfg.seed}`);
  const r = await runStress(cfg);
  t.true(validate(r), JSON.stringify(validate.errors));
  t.deepEqual(r.violations.map((v) => `${v.kind}: ${v.message}`), []);
  const x = r.retry!;
  t.true(x.loops.succeeded > 0 && x.attemptsPerSuccess!.max > 1, JSON.stringify(x));
  t.is(x.perSuccess!.callerFilters, 1);
  t.is(x.perSuccess!.otherThreadFilters, 1);
  t.is(x.perSuccess!.otherThreadFiltersMax, 1);
  t.is(x.perSuccess!.composedThreads, 0);
  t.true(x.kill.marked > 0);
});

test.serial('stress: the retry postcondition fires on retry-tid-as-success', async (t) => {
  t.timeout(300_000);
  const cfg = stressConfigFrom({ duration: '3s', workers: '2', groups: '2', bug: 'retry-tid-as-success', 'stop-on': 'tsync-postcondition' });
  t.log(`seed ${cfg.seed}`);
  const r = await runStress(cfg);
  t.true(r.violations.some((v) => v.kind === 'tsync-postcondition'), r.violations.map((v) => v.kind).join(', '));
  t.is(r.exitCode, 1);
});

test('bad retry flags: exit 2 with one line', async (t) => {
  for (const [args, re] of [
    [['stress', '--retry-policy', 'nope'], /--retry-policy: expected wait or kill/],
    [['stress', '--diverge', '2'], /--diverge must be a probability/],
  ] as const) {
    const r = await cli([...args]);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.stderr, re);
    t.is(r.stderr.trim().split('\n').length, 1);
  }
});
