// The one bootstrap of every worker thread: registers tsx's ESM hooks, imports the
// TypeScript module named in workerData.tsEntry (a file URL) as real ESM, and serves
// its default export, one task at a time, over the parent port (src/workers/pool.ts).
//
// Why real ESM: through tsx's CommonJS path every imported binding becomes a getter
// on an exports object, and in hot loops that made e.g. `LOCK.OWNER` cost tens of ns
// per access (ticket lock 95 ns/pair instead of 28).
//
// Why a message of `null` ends the worker by closing its port instead of the pool
// terminating it: a worker that leaves by itself drains V8's pending platform tasks
// (a concurrent optimizing compile, say) before its isolate is disposed. Node 20 once
// aborted the whole process (NodePlatform::ForIsolate) when a worker was terminated
// while such a compile was under way.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const mod = await import(workerData.tsEntry);
const fn = mod.default;

/** An error as plain data: its class name and message survive (structured clone keeps neither for subclasses). */
function errorData(e) {
  if (e instanceof Error) {
    const own = {};
    for (const k of Object.keys(e)) {
      const v = e[k];
      if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) own[k] = v;
    }
    return { ...own, name: e.name, message: e.message, stack: e.stack ?? '' };
  }
  return { name: 'Error', message: String(e), stack: '' };
}

parentPort.on('message', async (msg) => {
  if (msg === null) {
    parentPort.close(); // nothing else keeps the event loop alive: the thread exits by itself
    return;
  }
  try {
    const value = await fn(msg.task);
    parentPort.postMessage({ id: msg.id, ok: true, value });
  } catch (e) {
    parentPort.postMessage({ id: msg.id, ok: false, error: errorData(e) });
  }
});
parentPort.postMessage({ ready: true });
