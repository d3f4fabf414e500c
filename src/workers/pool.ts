/**
 * Worker pools for TypeScript worker modules.
 *
 * Workers start from ts-entry.mjs, which registers tsx's ESM hooks and imports the
 * TypeScript module (passed in workerData.tsEntry) as real ESM. Giving piscina the
 * .ts file directly would load it through tsx's CommonJS path (piscina tries
 * require() first), and imported constants then cost a getter call per access in
 * hot loops (see ts-entry.mjs). Nothing is resolved from the current directory, so
 * the CLI works from anywhere.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';

/**
 * `--import` target that makes a child node understand .ts files. Resolved with
 * require.resolve, not import.meta.resolve: the latter is a synchronous round trip to
 * the loader-hooks thread, which we keep off the start-up path of processes running
 * V8's experimental shared heap (--harmony-struct).
 */
export const TSX_IMPORT: string = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const BOOTSTRAP = new URL('./ts-entry.mjs', import.meta.url);

/**
 * A fixed-size pool of long-lived workers running the default export of `filename`
 * (a .ts module URL). The pool owns workerData ({ tsEntry }).
 */
export function workerPool(filename: URL, threads: number): Piscina {
  return new Piscina({
    filename: BOOTSTRAP.href,
    workerData: { tsEntry: filename.href },
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Infinity,
  });
}

/**
 * Node 20 can abort the whole process (`NodePlatform::ForIsolate: Assertion (data.first)
 * != nullptr`) when a worker is terminated while V8 still runs a concurrent optimizing
 * compile for it: seen once at the end of a stress run that stopped 26 ms in. A worker
 * whose task has returned gets a short grace to let such jobs finish before its pool is
 * destroyed. This only narrows the window of a runtime bug; it decides nothing.
 */
const TEARDOWN_GRACE_MS = 50;
export async function destroyPool(pool: Piscina): Promise<void> {
  await new Promise((r) => setTimeout(r, TEARDOWN_GRACE_MS));
  await pool.destroy();
}
