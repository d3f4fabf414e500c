/**
 * The native lock's test scenarios, as a script: Atomics.Mutex exists only in a node
 * started with --harmony-struct, which the test runner is not, so the tests run this
 * in a child node (`node --harmony-struct --import tsx native-check.ts ITER WATCHDOG_MS`,
 * see runJsonChildWithHarmonyStruct) and assert on the JSON line it prints on stdout.
 */
import { Layout } from '../shared/layout.ts';
import { DEFAULT_LOCK_OPTIONS, DeadlockError } from '../locks/lock.ts';
import { makeLock } from '../locks/kinds.ts';
import { createNativeMutex, mutexClass, nativeAvailable, nativeProbe, nativeRefusal, type MutexProbe } from '../locks/native.ts';
import { LockLab } from './lock-lab.ts';
import { mutualExclusion, watchdog, type CountOutcome, type HolderWaiterOutcome } from './lock-scenarios.ts';

export interface NativeCheck {
  /** process.version of the node that ran the check */
  node: string;
  available: boolean;
  /** the one-thread probe of Atomics.Mutex's API (absent without --harmony-struct) */
  probe?: MutexProbe;
  mutex?: CountOutcome;
  watchdog?: HolderWaiterOutcome;
  /** what split acquire() says on a native lock */
  splitError?: string;
  /**
   * One thread, no timing in the verdict: this thread holds the mutex through V8's own
   * `lock`, then a NativeLock handle on it runs a body. Right: the handle never runs
   * the body and ends in DeadlockError (its tryLock fails every time). A handle that
   * took a failed tryLock for success (Node 24/26's `{ success: false }` is truthy)
   * runs the body without the lock.
   */
  selfHeld?: { bodyRan: boolean; error: string };
}

function selfHeld(): { bodyRan: boolean; error: string } {
  const layout = new Layout({ extraLocks: 1 });
  const id = layout.extraLock(0);
  const mutex = createNativeMutex();
  const lock = makeLock('native', layout.create(), layout, id, 0, { ...DEFAULT_LOCK_OPTIONS, watchdogMs: 50 }, mutex);
  let bodyRan = false;
  let error = '(no error)';
  mutexClass()!.lock(mutex, () => {
    try {
      lock.run(() => {
        bodyRan = true;
      });
    } catch (e) {
      error = e instanceof DeadlockError ? e.name : String(e);
    }
  });
  return { bodyRan, error };
}

function splitError(): string {
  const layout = new Layout({ extraLocks: 1 });
  const id = layout.extraLock(0);
  const lock = makeLock('native', layout.create(), layout, id, 0, DEFAULT_LOCK_OPTIONS, createNativeMutex());
  try {
    lock.acquire();
    return '(acquire did not throw)';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Print the JSON line before tearing the pool down: worker teardown is where Node 20's
 * experimental shared heap may wedge, and the parent stops waiting once it has the line.
 */
async function main(iterations: number, watchdogMs: number): Promise<void> {
  const node = process.version;
  if (!nativeAvailable()) {
    process.stdout.write(JSON.stringify({ node, available: false } satisfies NativeCheck) + '\n');
    return;
  }
  const probe = nativeProbe()!;
  if (nativeRefusal() !== undefined) {
    process.stdout.write(JSON.stringify({ node, available: true, probe } satisfies NativeCheck) + '\n');
    return;
  }
  const held = selfHeld();
  const lab = LockLab.open(2);
  const mutex = await mutualExclusion(lab, 'native', 2, iterations);
  const wd = await watchdog(lab, 'native', watchdogMs);
  const out: NativeCheck = { node, available: true, probe, mutex, watchdog: wd, splitError: splitError(), selfHeld: held };
  process.stdout.write(JSON.stringify(out) + '\n');
  await lab.close();
}

const [iter = '100000', wd = '200'] = process.argv.slice(2);
await main(Number(iter), Number(wd));
