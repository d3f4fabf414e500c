/**
 * Runs in a `node --harmony-struct` child can die inside V8's experimental shared heap
 * (README, "V8's shared heap crashes now and then"): a SIGSEGV in a worker's GC, or a
 * hang in a safepoint. The lab reports such a run as its own fault (exit 3 and one line
 * naming the signal or the timeout), not as a verdict on a lock or the model.
 *
 * A test that asks "does the native kind work on this node?" therefore runs again after
 * such a crash, at most `attempts` times in all, and logs every crash it saw, so a CI log
 * still shows how often V8 fell over. Anything else (a violation, a bad exit, a wrong
 * figure) is returned at once and judged by the test: only the crash is retried.
 */
import type { CliResult } from './cli.ts';
import type { JsonChildResult } from '../../src/workers/reexec.ts';

/**
 * Runs in all. Here a crash is about one run in 100 or fewer (README), but the project's CI
 * once lost both the Node 22 and the Node 24 run of one test to something this machine never
 * reproduced in 400 runs: five attempts keep the test's verdict even at one crash in two.
 */
export const ATTEMPTS = 5;

/** The line reexecWithHarmonyStruct prints for a crashed or timed-out flagged child. */
export const V8_CRASH_LINE = /^tsync-lab: the --harmony-struct child (\(node [^)]*\) died of SIG[A-Z]+|ran past \d+ s and was killed)/m;

/** A CLI run (which re-executed itself with --harmony-struct) that crashed in V8, or null. */
export function cliCrash(r: CliResult): string | null {
  if (r.code !== 3) return null;
  return V8_CRASH_LINE.exec(r.stderr)?.[0] ?? null;
}

/** 128 + SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV (reexec.ts's crash signals) */
const CRASH_CODES = [132, 133, 134, 135, 136, 139];

/** A runJsonChildWithHarmonyStruct result with no JSON line, killed or dead of a crash signal, or null. */
export function jsonChildCrash(r: JsonChildResult): string | null {
  if (r.value !== undefined) return null;
  if (r.code === 'killed') return 'the child was killed past its timeout';
  return CRASH_CODES.includes(r.code) ? `the child died with exit ${r.code} (128 + a crash signal)` : null;
}

/** `log` gets one line per crash (a test passes `(s) => t.log(s)`). */
export async function retryV8Crashes<R>(log: (line: string) => void, run: () => Promise<R>, crashOf: (r: R) => string | null, attempts = ATTEMPTS): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    const r = await run();
    const crash = crashOf(r);
    if (crash === null || attempt >= attempts) return r;
    log(`attempt ${attempt}: V8's shared heap fell over (${crash}); running it again`);
  }
}
