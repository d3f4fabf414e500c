// The bootstrap of every worker thread: registers tsx's ESM hooks, then imports the one
// worker entry of the runtime (./worker.ts) as real ESM. That module loads the engine's
// program (workerData.program) and serves its tasks over the parent port.
//
// Why real ESM: through tsx's CommonJS path every imported binding becomes a getter
// on an exports object, and in hot loops that made e.g. `LOCK.OWNER` cost tens of ns
// per access (ticket lock 95 ns/pair instead of 28).
import { register } from 'tsx/esm/api';

register();
await import(new URL('./worker.ts', import.meta.url).href);
