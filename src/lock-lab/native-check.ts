/**
 * The native lock's test scenarios, as a script: Atomics.Mutex exists only in a node
 * started with --harmony-struct, which the test runner is not, so the tests run this
 * in a child node (`node --harmony-struct --import tsx native-check.ts ITER WATCHDOG_MS`,
 * see runJsonChildWithHarmonyStruct) and assert on the JSON line it prints on stdout.
 */
import { Layout } from '../shared/layout.ts';
import { DEFAULT_LOCK_OPTIONS } from '../locks/lock.ts';
import { makeLock } from '../locks/kinds.ts';
import { createNativeMutex, nativeAvailable } from '../locks/native.ts';
import { LockLab } from './lock-lab.ts';
import { mutualExclusion, watchdog, type CountOutcome, type HolderWaiterOutcome } from './lock-scenarios.ts';

export interface NativeCheck {
  available: boolean;
  mutex?: CountOutcome;
  watchdog?: HolderWaiterOutcome;
  /** what split acquire() says on a native lock */
  splitError?: string;
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
  if (!nativeAvailable()) {
    process.stdout.write(JSON.stringify({ available: false } satisfies NativeCheck) + '\n');
    return;
  }
  const lab = LockLab.open(2);
  const mutex = await mutualExclusion(lab, 'native', 2, iterations);
  const wd = await watchdog(lab, 'native', watchdogMs);
  const out: NativeCheck = { available: true, mutex, watchdog: wd, splitError: splitError() };
  process.stdout.write(JSON.stringify(out) + '\n');
  await lab.close();
}

const [iter = '100000', wd = '200'] = process.argv.slice(2);
await main(Number(iter), Number(wd));
