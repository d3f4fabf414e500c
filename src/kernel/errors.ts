/**
 * Why the real kernel cannot answer. Both are UsageErrors, so the CLI prints
 * the message as one line and exits 2; tests match on the class to skip with
 * the reason instead of passing silently.
 */
import { UsageError } from '../shared/usage-error.ts';
import { InternalError } from '../shared/internal-error.ts';

/** The helper cannot run here at all: not Linux, no compiler, no TSYNC_ESRCH, seccomp off... */
export class KernelUnavailable extends UsageError {
  constructor(reason: string) {
    super(`the real kernel cannot run scenarios here: ${reason}`);
  }
}

/** This scenario has no exact kernel equivalent (a `sync` step, an inexpressible insns...). */
export class NotRunnableOnKernel extends UsageError {
  constructor(name: string, reason: string) {
    super(`scenario ${name} is not runnable on the real kernel: ${reason}`);
  }
}

/**
 * The helper ran past its time limit (a wedged step, or a limit set too low
 * with --timeout): an internal error whose log holds the helper's output.
 */
export class KernelTimeout extends InternalError {
  constructor(limitMs: number, stepsDone: number, steps: number, output: string) {
    super(
      `the kernel helper ran past its time limit of ${limitMs / 1000}s after ${stepsDone} of ${steps} steps (a wedged step? raise it with --timeout)`,
      `helper output so far:\n${output}`,
    );
  }
}
