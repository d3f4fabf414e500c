/**
 * Run a CLI command line in this process (src/cli/run-cli.ts) with stdout and
 * stderr captured: thousands of command lines without a node process each. One
 * command at a time (the capture replaces process.stdout/stderr.write).
 */
import { runCli } from '../../src/cli/run-cli.ts';

export interface InProcResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

type Write = typeof process.stdout.write;

function capture(into: string[]): Write {
  return ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    if (cb) queueMicrotask(cb);
    return true;
  }) as Write;
}

let active = false;

/** The result, or 'hang' when the command has not finished after `timeoutMs`. */
export async function runInProcess(argv: string[], timeoutMs: number): Promise<InProcResult | 'hang'> {
  if (active) throw new Error('runInProcess: another command is still running in this process (the capture is global)');
  active = true;
  const out: string[] = [];
  const err: string[] = [];
  const ow = process.stdout.write;
  const ew = process.stderr.write;
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let hung = false;
  try {
    const r = await Promise.race([
      runCli(argv),
      new Promise<'hang'>((resolve) => {
        timer = setTimeout(() => resolve('hang'), timeoutMs);
      }),
    ]);
    if (r === 'hang') {
      hung = true; // stays active: later commands must not share its capture
      return r;
    }
    return { code: r, stdout: out.join(''), stderr: err.join(''), ms: performance.now() - t0 };
  } finally {
    clearTimeout(timer);
    process.stdout.write = ow;
    process.stderr.write = ew;
    if (!hung) active = false;
  }
}

/** Mark the runner free again (after the hung command is known to have ended). */
export function resetInProcess(): void {
  active = false;
}
