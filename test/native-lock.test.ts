/**
 * The native lock kind's reading of V8's Atomics.Mutex, in this process, without
 * --harmony-struct: stand-ins with each version's tryLock (Node 20: a boolean; Node
 * 24/26: `{ value, success }`, truthy even on failure) and broken ones for the probe.
 * Single-threaded, no timing in any verdict. The real Atomics.Mutex on real threads
 * (whatever node runs the suite) is checked in locks.test.ts through native-check.ts,
 * and end to end here: `stress` with native locks on this node (it re-executes itself
 * with --harmony-struct).
 */
import test from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers/cli.ts';
import { DeadlockError, DEFAULT_LOCK_OPTIONS, readLockStats } from '../src/locks/lock.ts';
import { NativeLock, probeMutexApi, type AtomicsMutexStatic, type NativeMutex, type TryLockResult } from '../src/locks/native.ts';
import { Layout } from '../src/shared/layout.ts';
import { reexecOutcome } from '../src/workers/reexec.ts';
import { ATTEMPTS, cliCrash, jsonChildCrash, retryV8Crashes, V8_CRASH_LINE } from './helpers/v8-crash.ts';

type Form = 'boolean' | 'object';

/** A one-thread stand-in for Atomics.Mutex; `form`: what tryLock returns. */
function standIn(form: Form, opts: { tryLockIgnoresHolder?: boolean; tryLockThrows?: boolean } = {}): AtomicsMutexStatic {
  class StandIn {
    held = false;
    static lock<T>(m: NativeMutex, fn: () => T): T {
      const s = m as unknown as StandIn;
      if (s.held) throw new Error('stand-in: lock() on a held mutex would block forever');
      s.held = true;
      try {
        return fn();
      } finally {
        s.held = false;
      }
    }
    static tryLock(m: NativeMutex, fn: () => void): boolean | TryLockResult {
      if (opts.tryLockThrows) throw new Error('tryLock is gone');
      const s = m as unknown as StandIn;
      if (s.held && !opts.tryLockIgnoresHolder) return form === 'boolean' ? false : { value: undefined, success: false };
      const was = s.held;
      s.held = true;
      let value: unknown;
      try {
        value = fn();
      } finally {
        s.held = was;
      }
      return form === 'boolean' ? true : { value, success: true };
    }
  }
  return StandIn as unknown as AtomicsMutexStatic;
}

function handle(M: AtomicsMutexStatic, watchdogMs = 30) {
  const layout = new Layout({ workers: 1, extraLocks: 1 });
  const m = layout.create();
  const id = layout.extraLock(0);
  const mutex = new M();
  const lock = new NativeLock(m, layout, id, 0, { ...DEFAULT_LOCK_OPTIONS, watchdogMs }, mutex, M);
  return { lock, mutex, stats: () => readLockStats(m, layout, id) };
}

for (const form of ['boolean', 'object'] as const) {
  test(`tryLock returning ${form === 'object' ? 'an object' : 'a boolean'}: a free mutex runs the body once and returns its value`, (t) => {
    const { lock, stats } = handle(standIn(form));
    let runs = 0;
    t.is(
      lock.run(() => ++runs * 10),
      10,
    );
    t.is(runs, 1);
    t.is(stats().acquisitions, 1);
  });

  test(`tryLock returning ${form === 'object' ? 'an object' : 'a boolean'}: a held mutex is never taken for acquired (DeadlockError, body never runs)`, (t) => {
    const M = standIn(form);
    const { lock, mutex, stats } = handle(M);
    let ran = false;
    M.lock(mutex, () => {
      t.throws(
        () =>
          lock.run(() => {
            ran = true;
          }),
        { instanceOf: DeadlockError },
      );
    });
    t.false(ran, 'the body ran while another holder had the mutex');
    t.is(stats().acquisitions, 0);
  });

  test(`tryLock returning ${form === 'object' ? 'an object' : 'a boolean'}: a body that throws releases the mutex`, (t) => {
    const M = standIn(form);
    const { lock, mutex } = handle(M);
    t.throws(() => lock.run(() => { throw new Error('inside'); }), { message: 'inside' });
    t.is(M.lock(mutex, () => 'free again'), 'free again');
  });
}

test('negative control: reading the 24/26 tryLock result as a boolean takes a held mutex for acquired', (t) => {
  // the reading this kind used before (if (!tryLock(...)) wait): what it would have believed
  const M = standIn('object');
  const m = new M();
  let ran = false;
  const believedAcquired = M.lock(m, () => Boolean(M.tryLock(m, () => void (ran = true))));
  t.true(believedAcquired, 'the { success: false } object is truthy');
  t.false(ran);
});

test('probe: both known forms are accepted and named', (t) => {
  t.deepEqual(probeMutexApi(standIn('boolean')), { ok: true, form: 'boolean' });
  t.deepEqual(probeMutexApi(standIn('object')), { ok: true, form: 'object' });
});

test('probe: a tryLock that runs fn on a held mutex is refused in one line naming the version', (t) => {
  const p = probeMutexApi(standIn('object', { tryLockIgnoresHolder: true }), 'v99.0.0');
  t.false(p.ok);
  if (p.ok) return;
  t.is(p.refusal, 'lock kind "native" is not supported on Node v99.0.0: Atomics.Mutex.tryLock ran fn on a mutex this thread holds (it returned {"success":true})');
  t.false(p.refusal.includes('\n'));
});

test('probe: a tryLock that throws is refused, not a crash', (t) => {
  const p = probeMutexApi(standIn('boolean', { tryLockThrows: true }), 'v99.0.0');
  t.deepEqual(p, { ok: false, refusal: 'lock kind "native" is not supported on Node v99.0.0: probing Atomics.Mutex threw: tryLock is gone' });
});

test('a re-executed run: its exit code passes through; a node crash or a timeout is exit 3 in one line, a verdict is not', (t) => {
  t.deepEqual(reexecOutcome(0, null, null), { code: 0, line: null });
  t.deepEqual(reexecOutcome(1, null, null), { code: 1, line: null }, 'a violation stays exit 1');
  t.deepEqual(reexecOutcome(null, 'SIGINT', null), { code: 130, line: null }, 'an interrupt is 128 + 2');
  const crash = reexecOutcome(null, 'SIGSEGV', null);
  t.is(crash.code, 3);
  t.regex(crash.line ?? '', /^tsync-lab: the --harmony-struct child \(node v[\d.]+\) died of SIGSEGV: a crash in V8's experimental shared heap, not a verdict; run it again$/);
  t.is(reexecOutcome(null, 'SIGABRT', null).code, 3);
  t.is(reexecOutcome(null, 'SIGTRAP', null).code, 3, "V8's immediate crash (a trap instruction)");
  t.deepEqual(reexecOutcome(null, 'SIGKILL', 90_000), { code: 3, line: 'tsync-lab: the --harmony-struct child ran past 90 s and was killed' });
});

test("the suite's V8-crash retry: the lab's crash and timeout lines are retried; a violation, a usage error or another exit 3 is not", (t) => {
  const crash = reexecOutcome(null, 'SIGSEGV', null).line!;
  const timeout = reexecOutcome(null, 'SIGKILL', 90_000).line!;
  t.regex(crash, V8_CRASH_LINE);
  t.regex(timeout, V8_CRASH_LINE);
  const res = (code: number, stderr: string) => ({ code, stdout: '', stderr });
  t.truthy(cliCrash(res(3, `tsync-lab stress: seed 7\n${crash}\n`)));
  t.truthy(cliCrash(res(3, `tsync-lab stress: seed 7\n${timeout}\n`)));
  t.is(cliCrash(res(1, `tsync-lab stress: seed 7\nmutual-exclusion: two holders\n${crash}\n`)), null, 'exit 1 is a verdict, never retried');
  t.is(cliCrash(res(3, 'tsync-lab: internal error: boom\n')), null, 'a lab fault of our own is not V8 falling over');
  t.is(jsonChildCrash({ value: undefined, code: 139, stderr: '' }), 'the child died with exit 139 (128 + a crash signal)');
  t.truthy(jsonChildCrash({ value: undefined, code: 'killed', stderr: '' }));
  t.is(jsonChildCrash({ value: undefined, code: 1, stderr: '' }), null);
  t.is(jsonChildCrash({ value: { ok: true }, code: 139, stderr: '' }), null, 'a result that arrived is judged, whatever the exit');
});

test('retryV8Crashes: runs again after a crash, at most the attempts given, and returns the first other result', async (t) => {
  const seq = (codes: number[]) => {
    let i = 0;
    return { run: async () => ({ code: codes[i++]!, stdout: '', stderr: reexecOutcome(null, 'SIGSEGV', null).line! }), calls: () => i };
  };
  // a stand-in crash each time: its lines are kept here, not logged (a CI log would read them as real crashes)
  const lines: string[] = [];
  const log = (l: string) => void lines.push(l);
  const a = seq([3, 0]);
  t.is((await retryV8Crashes(log, a.run, cliCrash)).code, 0);
  t.is(a.calls(), 2);
  t.is(lines.length, 1);
  t.regex(lines[0]!, /^attempt 1: V8's shared heap fell over \(tsync-lab: the --harmony-struct child .* died of SIGSEGV\); running it again$/);
  const b = seq([1, 0]);
  t.is((await retryV8Crashes(log, b.run, cliCrash)).code, 1, 'a verdict ends it at once');
  t.is(b.calls(), 1);
  const c = seq([3, 3, 3, 0]);
  t.is((await retryV8Crashes(log, c.run, cliCrash, 3)).code, 3, 'as many crashes in a row as attempts fail the test');
  t.is(c.calls(), 3);
});

test.serial(`stress with native siglock, cred_guard and arena on this node (${process.version}): exit 0, no violation, no crash`, async (t) => {
  t.timeout(ATTEMPTS * 90_000 + 30_000); // every attempt may run to its bound
  const dir = await mkdtemp(join(tmpdir(), 'tsync-native-'));
  try {
    const file = join(dir, 'stress.json');
    const args = ['stress', '--lock', 'siglock=native', '--lock', 'cred_guard=native', '--lock', 'arena=native', '--workers', '2', '--duration', '1s', '--seed', '7', '--quiet', '--json', file];
    // a crash of V8's shared heap (exit 3, one line) is run again, at most ATTEMPTS times; a violation is not
    const r = await retryV8Crashes((l) => t.log(l), () => cli(args, 90_000), cliCrash);
    t.is(r.code, 0, r.stderr);
    const report = JSON.parse(await readFile(file, 'utf8')) as { exitCode: number; violationCount: number; crash: unknown; locks: Record<string, { acquisitions: number }> };
    t.like(report, { exitCode: 0, violationCount: 0, crash: null });
    t.true(report.locks['siglock']!.acquisitions > 0, 'the native siglock was used');
    t.log(`${process.version}: siglock acquired ${report.locks['siglock']!.acquisitions} times`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
