/**
 * Running code under `node --harmony-struct`, which V8's Atomics.Mutex (lock kind
 * `native`) needs. The flag cannot be set any other way: node refuses it in a
 * worker's execArgv and in NODE_OPTIONS, and workers inherit it from the process.
 *
 * Two forms:
 *  - reexecWithHarmonyStruct(argv): re-run the whole CLI command with the flag (same
 *    arguments, cwd and stdio; its exit code, or 128 + signal, becomes ours; a child
 *    that crashed (SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGTRAP, SIGFPE) is exit 3 with one line saying so).
 *    An environment marker prevents a re-exec loop.
 *  - runJsonChildWithHarmonyStruct(script, args): run a TypeScript script with the
 *    flag and collect the one JSON line it prints on stdout.
 *
 * Both take a timeout and kill the child past it. That is not decoration: on Node 20
 * the shared heap behind --harmony-struct is experimental, and a process that tears
 * down worker threads while the main isolate collects garbage can abort
 * (NodePlatform::ForIsolate assertion) or wedge with every thread asleep, which no
 * in-process timer can end. So callers that can should keep worker churn in a flagged
 * process low, and the JSON form returns as soon as the result line is out, killing a
 * child that then fails to exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { nativeAvailable } from '../locks/native.ts';
import { TSX_IMPORT } from './pool.ts';

const MARKER = 'TSYNC_LAB_REEXEC_HARMONY_STRUCT';
const BIN = fileURLToPath(new URL('../../bin/tsync-lab.mjs', import.meta.url));

/** True when this process is the re-executed child (so re-executing again would loop). */
function isReexecuted(): boolean {
  return process.env[MARKER] === '1';
}

/** Should the command re-execute itself to get Atomics.Mutex? (needed, missing, not done yet) */
export function needsHarmonyStruct(wantNative: boolean): boolean {
  return wantNative && !nativeAvailable() && !isReexecuted();
}

export interface ReexecOptions {
  /** kill the child (SIGKILL) past this; the command then fails with exit code 3 */
  timeoutMs: number;
}

/**
 * The flags of every flagged child. --single-threaded-gc: on Node 22, 24 and 26, up to
 * one run in 14 of `stress --lock siglock=native` ended in a SIGSEGV inside a worker's
 * own mark-compact (ExternalStringTableCleanerVisitor, from an IncrementalMarkingJob
 * task); with GC on the mutator thread alone, none in 300 runs (README, "V8's shared
 * heap crashes now and then"). --no-incremental-marking: the same fault came back on
 * Node 22 and 24 in every run once the stress command loaded one module more (a 2-line
 * import: the crash follows the heap's size, not the lab's code); with no incremental
 * marking there is no IncrementalMarkingJob, and none crashed.
 */
const FLAGGED = ['--harmony-struct', '--single-threaded-gc', '--no-incremental-marking'];

function nodeArgs(rest: string[]): string[] {
  return [...process.execArgv.filter((a) => !FLAGGED.includes(a)), ...FLAGGED, ...rest];
}

/** Forward termination requests to the child while it runs; returns the undo. */
function forwardSignals(child: ChildProcess): () => void {
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, forward);
  return () => {
    for (const s of signals) process.off(s, forward);
  };
}

function exitCode(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

/** Grace for a re-executed run beyond its own duration: start-up, teardown, reports. */
export const REEXEC_GRACE_MS = 60_000;

const CRASH_SIGNALS: readonly string[] = ['SIGSEGV', 'SIGABRT', 'SIGBUS', 'SIGILL', 'SIGTRAP', 'SIGFPE'];

/**
 * What a re-executed run's end means to its caller: the child's exit code (128 + signal
 * for a signal), except that a child killed past its timeout, or one that crashed (node
 * itself, in V8's experimental shared heap: no verdict on the model), is exit 3 with
 * one line saying so.
 */
export function reexecOutcome(code: number | null, signal: NodeJS.Signals | null, timedOutAfterMs: number | null): { code: number; line: string | null } {
  if (timedOutAfterMs !== null) return { code: 3, line: `tsync-lab: the --harmony-struct child ran past ${Math.round(timedOutAfterMs / 1000)} s and was killed` };
  if (signal && CRASH_SIGNALS.includes(signal))
    return { code: 3, line: `tsync-lab: the --harmony-struct child (node ${process.version}) died of ${signal}: a crash in V8's experimental shared heap, not a verdict; run it again` };
  return { code: exitCode(code, signal), line: null };
}

/** Run `node --harmony-struct bin/tsync-lab.mjs <argv>` and resolve its exit code. */
export function reexecWithHarmonyStruct(argv: string[], opts: ReexecOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs([BIN, ...argv]), { stdio: 'inherit', env: { ...process.env, [MARKER]: '1' } });
    const unforward = forwardSignals(child);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    const done = () => {
      unforward();
      clearTimeout(timer);
    };
    child.on('error', (e) => {
      done();
      reject(e);
    });
    child.on('exit', (code, signal) => {
      done();
      const r = reexecOutcome(code, signal, timedOut ? opts.timeoutMs : null);
      if (r.line) process.stderr.write(r.line + '\n');
      resolve(r.code);
    });
  });
}

export interface JsonChildOptions {
  timeoutMs: number;
  /** after the JSON line arrived, how long the child may take to exit before it is killed */
  graceMs?: number;
}

export interface JsonChildResult {
  /** the parsed JSON line, or undefined if none arrived */
  value: unknown;
  /** exit code, or 128 + signal; 'killed' if we had to kill it */
  code: number | 'killed';
  stderr: string;
}

/**
 * Run `node --harmony-struct --import tsx <script> <args>`; the script prints one JSON
 * line on stdout. Resolves when the child exits, or, once the line is out, after
 * graceMs at the latest (then kills the child). Stderr is passed through and kept.
 */
export function runJsonChildWithHarmonyStruct(script: URL, args: string[], opts: JsonChildOptions): Promise<JsonChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs(['--import', TSX_IMPORT, fileURLToPath(script), ...args]), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, [MARKER]: '1' },
    });
    const unforward = forwardSignals(child);
    let out = '';
    let scanned = 0; // stdout up to here has been looked at, line by line
    let err = '';
    let value: unknown;
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      unforward();
      clearTimeout(timer);
      clearTimeout(grace);
      return true;
    };
    const finish = (code: number | 'killed') => {
      if (settle()) resolve({ value, code, stderr: err });
    };
    const kill = () => {
      child.kill('SIGKILL');
      finish('killed');
    };
    const timer = setTimeout(kill, opts.timeoutMs);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      process.stderr.write(d);
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      // the result is the first complete stdout line that parses as JSON
      for (let nl = out.indexOf('\n', scanned); value === undefined && nl >= 0; nl = out.indexOf('\n', scanned)) {
        const line = out.slice(scanned, nl);
        scanned = nl + 1;
        try {
          value = JSON.parse(line);
        } catch {
          value = undefined;
        }
        if (value !== undefined) grace = setTimeout(kill, opts.graceMs ?? 3000);
      }
    });
    child.on('error', (e) => {
      if (settle()) reject(e);
    });
    child.on('exit', (code, signal) => finish(exitCode(code, signal)));
  });
}
