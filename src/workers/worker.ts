/**
 * The one worker entry of the runtime, for every engine, the lock lab and the benches.
 * Loaded by the bootstrap (./entry.mjs) in each worker thread of a pool (./pool.ts):
 * imports the engine's program (workerData.program, ./program.ts), then serves tasks
 * over the parent port, one at a time. Before a task runs, the user lock modules it
 * names are imported; an error thrown by a task goes back as plain data.
 *
 * Why a message of `null` ends the worker by closing its port instead of the pool
 * terminating it: a worker that leaves by itself drains V8's pending platform tasks
 * (a concurrent optimizing compile, say) before its isolate is disposed. Node 20 once
 * aborted the whole process (NodePlatform::ForIsolate) when a worker was terminated
 * while such a compile was under way.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { anyUserLock, preloadUserLocks } from '../locks/user.ts';
import { RUNTIME, type WorkerProgram } from './program.ts';

const port = parentPort;
if (!port) throw new Error('src/workers/worker.ts runs in a worker thread of a WorkerPool');

const loaded: unknown = (await import(String((workerData as { program: string }).program))).default;
const prog: WorkerProgram<unknown, unknown> =
  typeof loaded === 'function' ? { lockKinds: () => [], run: (task) => (loaded as (t: unknown) => unknown)(task) } : (loaded as WorkerProgram<unknown, unknown>);

/** Runs one task: its user lock modules first (asynchronously), so that building lock handles stays synchronous. */
function runTask(task: unknown): unknown {
  const kinds = prog.lockKinds(task);
  return anyUserLock(kinds) ? preloadUserLocks(kinds).then(() => prog.run(task, RUNTIME)) : prog.run(task, RUNTIME);
}

/** An error as plain data: its class name and message survive (structured clone keeps neither for subclasses). */
function errorData(e: unknown): Record<string, unknown> {
  if (e instanceof Error) {
    const own: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) own[k] = v;
    return { ...own, name: e.name, message: e.message, stack: e.stack ?? '' };
  }
  return { name: 'Error', message: String(e), stack: '' };
}

port.on('message', async (msg: { id: number; task: unknown } | null) => {
  if (msg === null) {
    port.close(); // nothing else keeps the event loop alive: the thread exits by itself
    return;
  }
  try {
    const value = await runTask(msg.task);
    port.postMessage({ id: msg.id, ok: true, value });
  } catch (e) {
    port.postMessage({ id: msg.id, ok: false, error: errorData(e) });
  }
});
port.postMessage({ ready: true });
