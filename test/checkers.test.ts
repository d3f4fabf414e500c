/**
 * Negative controls for the checkers no seeded bug reaches on its own: each test
 * breaks one invariant by hand (or drives the engine into the fault with --inject)
 * and asserts the checker reports exactly that kind — and stays silent before.
 */
import test from 'ava';
import { Layout, GROUP, MODE, NODE, TASK, handleSlot } from '../src/shared/layout.ts';
import { makeCtx } from '../src/seccomp/world.ts';
import { ListReporter } from '../src/seccomp/violations.ts';
import { createProcess } from '../src/seccomp/process.ts';
import { exitThread } from '../src/seccomp/exit.ts';
import { syscallEntry } from '../src/seccomp/syscall.ts';
import { freeTask, headOf, setNnp, setFilterCount, filterCountOf } from '../src/seccomp/task.ts';
import { cloneThread } from '../src/seccomp/clone.ts';
import { getFilter, putFilter, REFCOUNT_SATURATED } from '../src/seccomp/filter.ts';
import { audit } from '../src/seccomp/audit.ts';
import { FLAG } from '../src/seccomp/design.ts';
import { runStress } from '../src/stress/run.ts';
import { stressConfigFrom } from '../src/stress/options.ts';

/** One process of 3 threads; the leader attached root, then TSYNCed `apply` to all. */
function world() {
  const L = new Layout({ maxTasks: 8, maxFilters: 32, groups: 1, workers: 1, ringSize: 16, extraLocks: 0, scratchWords: 0 });
  const m = L.create();
  const reporter = new ListReporter(0);
  const ctx = makeCtx(m, 0, { design: 'merged', reporter });
  const [a, b, c] = createProcess(ctx, { group: 0, threads: 3, privileged: false })!;
  setNnp(ctx, a!);
  ctx.design.attach(ctx, a!, { label: 1, insns: 1, flags: 0 });
  ctx.design.attach(ctx, a!, { label: 2, insns: 1, flags: FLAG.TSYNC });
  return { L, m, ctx, reporter, a: a!, b: b!, c: c!, kinds: () => audit(m, L).violations.map((v) => v.kind) };
}

test('control: the untouched world is clean', (t) => {
  const w = world();
  t.deepEqual(w.kinds(), []);
  t.deepEqual(w.reporter.list, []);
});

test('refcount-mismatch: one reference too many', (t) => {
  const w = world();
  Atomics.add(w.m, w.L.node(handleSlot(headOf(w.ctx, w.a))) + NODE.REFS, 1);
  t.deepEqual(w.kinds(), ['refcount-mismatch']);
});

test('mode-head: filter mode with a NULL head, at the audit and at syscall entry', (t) => {
  const w = world();
  const at = w.L.task(handleSlot(w.b));
  putFilter(w.ctx, Atomics.exchange(w.m, at + TASK.HEAD, 0)); // keep the counts right: only mode/head disagree
  Atomics.store(w.m, at + TASK.FILTER_COUNT, 0);
  t.is(Atomics.load(w.m, at + TASK.MODE), MODE.FILTER);
  t.deepEqual(w.kinds(), ['mode-head', 'escape']); // and, headless, b no longer carries the TSYNC filter
  syscallEntry(w.ctx, w.b);
  t.deepEqual(w.reporter.list.map((v) => v.kind), ['mode-head']);
});

test('cycle: a chain that loops back on itself', (t) => {
  const w = world();
  const head = headOf(w.ctx, w.a);
  const root = w.m[w.L.node(handleSlot(head)) + NODE.PREV]!;
  w.m[w.L.node(handleSlot(root)) + NODE.PREV] = head; // root -> head -> root ...
  t.true(w.kinds().includes('cycle'));
});

test('escape: a member without the group\'s last TSYNC filter', (t) => {
  const w = world();
  t.not(w.m[w.L.group(0) + GROUP.LAST_TSYNC_LABEL], 0);
  // move c back onto the root (a refcount-neutral swap), as if it had escaped the TSYNC
  const head = headOf(w.ctx, w.c);
  const root = w.m[w.L.node(handleSlot(head)) + NODE.PREV]!;
  getFilter(w.ctx, root);
  Atomics.store(w.m, w.L.task(handleSlot(w.c)) + TASK.HEAD, root);
  Atomics.store(w.m, w.L.task(handleSlot(w.c)) + TASK.FILTER_COUNT, 1);
  putFilter(w.ctx, head);
  t.deepEqual(w.kinds(), ['escape']);
});

test('leak: a node left after every thread exited', (t) => {
  const w = world();
  getFilter(w.ctx, headOf(w.ctx, w.a)); // a reference nobody will drop
  for (const th of [w.b, w.c, w.a]) exitThread(w.ctx, th);
  const kinds = audit(w.m, w.L, { expectEmpty: true }).violations.map((v) => v.kind);
  t.true(kinds.includes('leak'), kinds.join(','));
  // control: without the extra reference nothing is left
  const ok = world();
  for (const th of [ok.b, ok.c, ok.a]) exitThread(ok.ctx, th);
  t.deepEqual(audit(ok.m, ok.L, { expectEmpty: true }).violations, []);
});

test('refcount-overflow: a count at the saturation point saturates and is reported', (t) => {
  const w = world();
  const head = headOf(w.ctx, w.a);
  Atomics.store(w.m, w.L.node(handleSlot(head)) + NODE.REFS, REFCOUNT_SATURATED - 1);
  getFilter(w.ctx, head);
  t.deepEqual(w.reporter.list.map((v) => v.kind), ['refcount-overflow']);
  t.is(Atomics.load(w.m, w.L.node(handleSlot(head)) + NODE.REFS), REFCOUNT_SATURATED);
});

test('refcount-underflow: a put on an allocated node whose count is already 0', (t) => {
  const w = world();
  const head = headOf(w.ctx, w.a);
  const at = w.L.node(handleSlot(head)) + NODE.REFS;
  Atomics.store(w.m, at, 0); // as if every reference had been dropped, the free not yet done
  putFilter(w.ctx, head);
  t.deepEqual(w.reporter.list.map((v) => v.kind), ['refcount-underflow']);
  t.is(Atomics.load(w.m, at), 0, 'the count does not go negative');
});

test('use-after-free: touching a node through a handle from before its free', (t) => {
  const w = world();
  const head = headOf(w.ctx, w.a);
  for (const th of [w.b, w.c, w.a]) exitThread(w.ctx, th); // every node is freed, generations bumped
  t.deepEqual(w.reporter.list, []);
  getFilter(w.ctx, head);
  t.deepEqual(w.reporter.list.map((v) => v.kind), ['use-after-free']);
});

test('use-after-free on a task slot: a double free_task', (t) => {
  const w = world();
  exitThread(w.ctx, w.b); // b's slot is freed here
  t.deepEqual(w.reporter.list, []);
  freeTask(w.ctx, w.b); // and once more
  t.deepEqual(w.reporter.list.map((v) => v.kind), ['use-after-free']);
});

test.serial('livelock: an op that never finishes is named, and the run still ends', async (t) => {
  t.timeout(300_000);
  const r = await runStress(stressConfigFrom({ inject: 'stall@300', livelock: '400ms', duration: '120s', workers: '2' }));
  t.is(r.exitCode, 1);
  t.is(r.violations[0]?.kind, 'livelock');
  t.regex(r.violations[0]!.message, /worker 0: \w+ by thread \d+ has not finished/);
  t.true(r.durationMs < 60_000, `ended after ${r.durationMs} ms, long before its 120 s duration`);
});

test.serial('lock-held and deadlock: an op that returns holding siglock; the waiter names the holder', async (t) => {
  t.timeout(300_000);
  const r = await runStress(stressConfigFrom({ inject: 'lock-leak@300', watchdog: '300ms', 'max-violations': '0', duration: '10s', workers: '2' }));
  const kinds = r.violations.map((v) => v.kind);
  t.true(kinds.includes('lock-held'), kinds.join(','));
  const deadlocks = r.violations.filter((v) => v.kind === 'deadlock').map((v) => v.message);
  t.true(deadlocks.length > 0, kinds.join(','));
  // worker 1 waits for the leaked siglock (held by worker 0), holding what the lock order
  // puts before it: cred_guard_mutex inside a TSYNC, tasklist_lock inside a clone or an exit.
  // Worker 0 may then wait for that lock in an op of its own: an ABBA deadlock, and each
  // watchdog names its holder. Which of them forms is the threads' timing. One waiter may
  // fire while the other, whose own watchdog fired, is releasing that lock (between the
  // diagnostic OWNER word's clear and the state word's): it then says "an unknown holder".
  // Some report names the holder, and every report names lock, holder and waiter.
  const shape = /^deadlock: (siglock\[\d+\] held by worker 0|(cred_guard_mutex\[\d+\]|tasklist_lock) held by worker 1)\b.*; waiter worker [01]/;
  t.true(deadlocks.some((m) => shape.test(m)), deadlocks.join('\n'));
  for (const m of deadlocks) t.regex(m, /^deadlock: \S+ held by (worker [01]|an unknown holder) for longer than \d+ ms; waiter worker [01]/);
  t.is(r.exitCode, 1);
});

test('lock-contract: a model function run without the lock it asserts is a violation, not a crash', (t) => {
  const w = world();
  setFilterCount(w.ctx, w.b, filterCountOf(w.ctx, w.b)); // siglock not held
  t.deepEqual(w.reporter.list.map((v) => v.kind), ['lock-contract']);
  t.regex(w.reporter.list[0]!.message, /^setFilterCount: expects siglock\[0\] held \(worker 0 holds nothing\)/);
  w.ctx.lock(w.L.siglock(0), () => setFilterCount(w.ctx, w.b, filterCountOf(w.ctx, w.b)));
  t.is(w.reporter.list.length, 1, 'held: no report');
});

test.serial('lock-contract in a stress run: reported with the op, exit 1 (--inject unlocked)', async (t) => {
  t.timeout(300_000);
  const r = await runStress(stressConfigFrom({ inject: 'unlocked@300', duration: '10s', workers: '2', 'stop-on': 'lock-contract' }));
  const v = r.violations.find((x) => x.kind === 'lock-contract');
  t.truthy(v, r.violations.map((x) => x.kind).join(','));
  t.regex(v!.message, /setFilterCount: expects siglock\[\d+\] held/);
  t.truthy(v!.op);
  t.is(r.crash, null);
  t.is(r.exitCode, 1);
});

test('inheritance: a child linked with a state unlike its parent\'s', (t) => {
  const w = world();
  const r = cloneThread(w.ctx, w.b);
  t.true(r.ok);
  t.deepEqual(w.reporter.list, []);
  const w2 = world();
  const bug = makeCtx(w2.m, 0, { design: 'merged', reporter: w2.reporter, bug: 'clone-drops-nnp' });
  cloneThread(bug, w2.b);
  t.deepEqual(w2.reporter.list.map((v) => v.kind), ['inheritance']);
  t.regex(w2.reporter.list[0]!.message, /no_new_privs false vs true/);
});

test('syscall-walk: a lockless walk that runs less than its head\'s path length', (t) => {
  const w = world();
  syscallEntry(w.ctx, w.a);
  t.deepEqual(w.reporter.list, []);
  Atomics.add(w.m, w.L.node(handleSlot(headOf(w.ctx, w.a))) + NODE.PATH, 1); // the path says one instruction more
  syscallEntry(w.ctx, w.a);
  t.deepEqual(w.reporter.list.map((v) => v.kind), ['syscall-walk']);
});

test('filter-count: a live thread whose filter_count is not its chain length (I13)', (t) => {
  const w = world();
  Atomics.add(w.m, w.L.task(handleSlot(w.b)) + TASK.FILTER_COUNT, 1);
  t.deepEqual(w.kinds(), ['filter-count']);
});
