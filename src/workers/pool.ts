/**
 * Worker pools for TypeScript worker modules. Workers load tsx through an absolute
 * URL (resolved here, once) rather than `--import tsx`, which node would resolve from
 * the current directory and so fail when the CLI runs from elsewhere.
 */
import { Piscina } from 'piscina';

/** `--import` target that makes a worker (or a child node) understand .ts files. */
export const TSX_IMPORT: string = import.meta.resolve('tsx');

/** A fixed-size pool of long-lived workers running `filename` (a module URL). */
export function workerPool(filename: URL, threads: number): Piscina {
  return new Piscina({
    filename: filename.href,
    execArgv: ['--import', TSX_IMPORT],
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Infinity,
  });
}
