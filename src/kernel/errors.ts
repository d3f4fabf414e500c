/**
 * Why the real kernel cannot answer. Both are UsageErrors, so the CLI prints
 * the message as one line and exits 2; tests match on the class to skip with
 * the reason instead of passing silently.
 */
import { UsageError } from '../shared/usage-error.ts';

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
