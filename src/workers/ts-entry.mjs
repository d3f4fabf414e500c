// Piscina bootstrap that loads a TypeScript worker module as real ESM.
//
// Why: piscina first tries require(filename); with tsx's --import hooks a .ts
// worker then loads through tsx's CommonJS path, where every imported binding
// becomes a getter on an exports object. In hot loops that made e.g. `LOCK.OWNER`
// cost tens of ns per access (ticket lock 95 ns/pair instead of 28). This file
// has a top-level await, so require() refuses it and piscina falls back to
// import(); tsx's ESM hooks are registered here, in the worker, before the
// TypeScript module (workerData.tsEntry, a file URL) is imported.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const mod = await import(workerData.tsEntry);
export default mod.default;
