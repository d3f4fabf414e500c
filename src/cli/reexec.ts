/**
 * Re-execute the CLI under `node --harmony-struct`, for commands that need V8's
 * Atomics.Mutex (lock kind `native`). The flag cannot be set any other way: node
 * refuses it in a worker's execArgv and in NODE_OPTIONS, and workers inherit it from
 * the process. The child gets the same arguments, cwd and stdio; its exit code (or
 * 128 + signal) becomes ours. An environment marker prevents a re-exec loop when the
 * flag does not provide Atomics.Mutex after all.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { nativeAvailable } from '../locks/native.ts';

const MARKER = 'TSYNC_LAB_REEXEC_HARMONY_STRUCT';
const BIN = fileURLToPath(new URL('../../bin/tsync-lab.mjs', import.meta.url));

/** True when this process is the re-executed child (so re-executing again would loop). */
export function isReexecuted(): boolean {
  return process.env[MARKER] === '1';
}

/**
 * Should `tsync-lab <argv>` be re-executed to get Atomics.Mutex? True when native is
 * needed, missing, and we have not re-executed already.
 */
export function needsHarmonyStruct(wantNative: boolean): boolean {
  return wantNative && !nativeAvailable() && !isReexecuted();
}

/** Run `node --harmony-struct bin/tsync-lab.mjs <argv>` and resolve its exit code. */
export function reexecWithHarmonyStruct(argv: string[]): Promise<number> {
  const args = [...process.execArgv.filter((a) => a !== '--harmony-struct'), '--harmony-struct', BIN, ...argv];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, [MARKER]: '1' } });
    // Forward termination requests; the child shares our terminal, so ^C reaches it anyway.
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, forward);
    const done = () => {
      for (const s of signals) process.off(s, forward);
    };
    child.on('error', (e) => {
      done();
      reject(e);
    });
    child.on('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
