/**
 * The kernel runner itself: what it refuses (sync steps, inexpressible path
 * costs, a missing compiler), the capability drop that makes a root run
 * answer like an unprivileged one, the measured path cost of the probe
 * program, and the CLI contract (exactly the result JSON with --json; one line
 * and exit 2 for bad input or an unusable kernel).
 */
import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../src/scenario/parse.ts';
import { encodeScenario } from '../src/kernel/protocol.ts';
import { NotRunnableOnKernel } from '../src/kernel/errors.ts';
import { calibrate, runOnKernel } from '../src/kernel/runner.ts';
import { kernelGate } from './helpers/kernel.ts';
import { cli } from './helpers/cli.ts';
import type { Result } from '../src/scenario/types.ts';
import { tmpFolder } from './helpers/tmp.ts';

// before any hook or test: ava needs every one declared synchronously after this
const { kernelTest, why } = await kernelGate('kernel runner tests');

const TMP = tmpFolder('tsync-kernel-');
const DIVERGENCE = join(TMP, 'divergence.json');
writeFileSync(
  DIVERGENCE,
  JSON.stringify({
    name: 'divergence',
    threads: ['main', 'idle'],
    steps: [
      { thread: 'main', op: 'set_nnp' },
      { thread: 'main', op: 'attach', filter: 'root' },
      { thread: 'main', op: 'clone', child: 's0' },
      { thread: 'main', op: 'clone', child: 's1' },
      { thread: 's0', op: 'attach', filter: 'div' },
      { thread: 'main', op: 'attach', filter: 'apply', flags: ['tsync'] },
    ],
  }),
);

const fourK = (n: number) => Array.from({ length: n }, (_, i) => ({ thread: 'main', op: 'attach', filter: `b${i}`, insns: 4096 }));

test('a sync step has no kernel equivalent: refused before anything runs', (t) => {
  const s = parseScenario({ threads: ['main'], steps: [{ thread: 'main', op: 'sync' }] });
  const e = t.throws(() => encodeScenario(s), { instanceOf: NotRunnableOnKernel });
  t.regex(e!.message, /"sync" op/);
});

test('the helper input names threads by index, clone children after the initial threads', (t) => {
  const s = parseScenario({
    threads: ['a', 'b'],
    steps: [
      { thread: 'b', op: 'clone', child: 'c' },
      { thread: 'c', op: 'attach', filter: 'x', flags: ['tsync', 'tsync_esrch'], insns: 20 },
      { thread: 'a', op: 'exit' },
    ],
  });
  t.is(encodeScenario(s), 'scenario 3 2 0 3\nclone 1 2\nattach 2 17 20\nexit 0\n');
});

kernelTest(`the kernel counts eBPF length: the probe program costs 11, each pad one more${why}`, async (t) => {
  const c0 = await calibrate(0);
  const c100 = await calibrate(100);
  t.log(`unpadded: ${c0.fit} fit, cost ${c0.cost}; +100: ${c100.fit} fit, cost ${c100.cost}`);
  t.is(c0.candidates, 1);
  t.is(c0.cost, 11);
  t.is(c100.cost, 111);
});

const privSteps = [
  { thread: 'main', op: 'attach', filter: 'a' },
  { thread: 'main', op: 'attach', filter: 'b', flags: ['tsync'] },
];

kernelTest(`running as root changes nothing for an unprivileged scenario${why}`, async (t) => {
  const unpriv = await runOnKernel(parseScenario({ threads: ['main', 'sib'], steps: privSteps }));
  t.deepEqual(unpriv.result.steps, [
    { result: 'error', errno: 'EACCES' },
    { result: 'error', errno: 'EACCES' },
  ]);
});

// A privileged scenario needs CAP_SYS_ADMIN: registered as skipped, with the reason, when not root.
const isRoot = process.getuid?.() === 0;
const rootTest = isRoot ? kernelTest : test.skip;
const notRoot = isRoot || why ? '' : ' (skipped: not root, a privileged scenario needs CAP_SYS_ADMIN)';
rootTest(`a privileged scenario keeps CAP_SYS_ADMIN${why}${notRoot}`, async (t) => {
  const priv = await runOnKernel(parseScenario({ privileged: true, threads: ['main', 'sib'], steps: privSteps }));
  t.deepEqual(priv.result.steps, [{ result: 'ok' }, { result: 'ok' }]);
  t.deepEqual(priv.result.threads['sib'], { alive: true, mode: 'filter', nnp: false, filters: ['b', 'a'] });
});

kernelTest(`a path cost the probe program cannot reproduce is refused, not guessed${why}`, async (t) => {
  // 7 * 4100 + (4060 + 4) = 32764 on the path; one more insns-1 filter fits in
  // the model (32765) but the real program costs 11 (32775): ENOMEM.
  const s = parseScenario({
    name: 'straddle',
    threads: ['main'],
    steps: [{ thread: 'main', op: 'set_nnp' }, ...fourK(7), { thread: 'main', op: 'attach', filter: 'x', insns: 4060 }, { thread: 'main', op: 'attach', filter: 'tiny' }],
  });
  const e = await t.throwsAsync(runOnKernel(s), { instanceOf: NotRunnableOnKernel });
  t.regex(e!.message, /step 10: .* different sides of the 32768 limit/);
});

kernelTest(`out-of-range lengths reach the kernel, which answers EINVAL before EACCES${why}`, async (t) => {
  const s = parseScenario({
    threads: ['main'],
    steps: [
      { thread: 'main', op: 'attach', filter: 'zero', insns: 0 },
      { thread: 'main', op: 'attach', filter: 'big', insns: 4097 },
      { thread: 'main', op: 'attach', filter: 'fine', insns: 4096 },
    ],
  });
  const k = await runOnKernel(s);
  t.deepEqual(k.result.steps, [
    { result: 'error', errno: 'EINVAL' },
    { result: 'error', errno: 'EINVAL' },
    { result: 'error', errno: 'EACCES' },
  ]);
});

kernelTest(`a scenario's exited threads, zombie leader included, report alive false only${why}`, async (t) => {
  const k = await runOnKernel(
    parseScenario({
      threads: ['leader'],
      steps: [
        { thread: 'leader', op: 'clone', child: 'a' },
        { thread: 'a', op: 'clone', child: 'b' },
        { thread: 'leader', op: 'exit' },
        { thread: 'b', op: 'exit' },
      ],
    }),
  );
  t.deepEqual(k.result.threads, {
    leader: { alive: false },
    a: { alive: true, mode: 'disabled', nnp: false, filters: [] },
    b: { alive: false },
  });
  t.is(Object.keys(k.tids).length, 3);
});

kernelTest(`kernel --json prints exactly the result JSON${why}`, async (t) => {
  const r = await cli(['kernel', DIVERGENCE, '--json']);
  t.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Result;
  t.deepEqual(out.steps[5], { result: 'tsync_failed', thread: 's0' });
  t.deepEqual(out.threads['s1'], { alive: true, mode: 'filter', nnp: true, filters: ['root'] });
  t.is(r.stderr, '');
  t.deepEqual(Object.keys(out), ['steps', 'threads']);
  t.deepEqual(Object.keys(out.threads), ['main', 'idle', 's0', 's1']);
  t.deepEqual(out.threads['idle'], { alive: true, mode: 'disabled', nnp: false, filters: [] });
});

test('bad input: one line on stderr, exit 2', async (t) => {
  const sync = join(TMP, 'sync.json');
  writeFileSync(sync, JSON.stringify({ name: 'has_sync', threads: ['main'], steps: [{ thread: 'main', op: 'sync' }] }));
  const onlySync = join(TMP, 'only-sync');
  mkdirSync(onlySync, { recursive: true });
  for (const n of ['a', 'b']) writeFileSync(join(onlySync, `${n}.json`), JSON.stringify({ name: `sync_${n}`, threads: ['main'], steps: [{ thread: 'main', op: 'sync' }] }));
  for (const [args, re] of [
    [['kernel'], /expected exactly one FILE/],
    [['kernel', DIVERGENCE, '--duration', '2s'], /go with --race/],
    [['kernel', '--race', '--duration', 'soon'], /--duration/],
    [['kernel', sync], /has_sync is not runnable on the real kernel: step 1 is a "sync" op/],
    [['diff', sync], /not runnable on the real kernel/],
    [['diff', join(TMP, 'nope.json')], /no such file/],
    [['diff', onlySync], /nothing to compare: none of the 2 scenario\(s\) is runnable/],
  ] as const) {
    const r = await cli([...args]);
    t.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, re);
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('no C compiler: the command says so and exits 2', async (t) => {
  const r = await cli(['kernel', DIVERGENCE], 60_000, { ...process.env, PATH: join(TMP, 'empty'), CC: '', TSYNC_LAB_CACHE: join(TMP, 'cache') });
  if (process.platform !== 'linux') {
    t.regex(r.stderr, /not Linux/);
  } else {
    t.regex(r.stderr, /the real kernel cannot run scenarios here: no C compiler to build the kernel helper \(tried cc, gcc, clang; set CC\)/);
  }
  t.is(r.code, 2);
});
