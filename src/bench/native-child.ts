/**
 * The native kind's benchmark, run by lock-bench.ts in a child node started with
 * --harmony-struct (`node --harmony-struct --import tsx native-child.ts '<options>'`).
 * One pool for everything, and the JSON line goes out *before* the pool is torn down:
 * worker teardown is where Node 20's experimental shared heap may abort or wedge, and
 * the parent stops waiting once it has the line.
 */
import { benchPool, measureKind, measureNativeRaw, type BenchOptions, type NativeFigures } from './lock-bench.ts';

const o = JSON.parse(process.argv[2] ?? '{}') as BenchOptions;
const pool = await benchPool(2);
const progress = (msg: string) => process.stderr.write(`locks: ${msg}\n`);
progress('native: raw Atomics.Mutex');
const rawNs = await measureNativeRaw(pool, o);
const figures = await measureKind(pool, 'native', o, progress);
const out: NativeFigures = { rawNs, figures };
process.stdout.write(JSON.stringify(out) + '\n');
await pool.destroy();
