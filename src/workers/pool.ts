/**
 * Worker pools: a fixed set of long-lived worker threads that run one engine's worker
 * program (./program.ts), one task at a time each.
 *
 * Every worker starts from entry.mjs, which registers tsx's ESM hooks and imports the
 * runtime's one worker entry (./worker.ts) as real ESM; that loads the program
 * (workerData.program). Nothing is resolved from the current directory, so the CLI
 * works from anywhere.
 *
 * Closing a pool never terminates a worker under running code: each worker is asked
 * to leave once its task has returned, and leaves by itself (its event loop drains,
 * and V8's pending jobs for it finish before its isolate goes). Only a worker that
 * has not returned within the close bound (a task stuck in a user's lock code, which
 * the engine has already reported) is terminated; `close` says which.
 *
 * In a process running V8's shared heap (--harmony-struct, for lock kind `native`),
 * workers start one at a time: the next is spawned when the previous has said it is
 * ready. Two workers booting together deadlock there now and then (seen on Node 26:
 * one holds node's cli_options_mutex while it waits in a shared-heap GC safepoint, the
 * other blocks on that mutex without entering the safepoint, and the main thread's
 * global safepoint waits for it forever).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { nativeAvailable } from '../locks/native.ts';
import { TIMED_OUT, within } from '../shared/wait.ts';

/**
 * `--import` target that makes a child node understand .ts files. Resolved with
 * require.resolve, not import.meta.resolve: the latter is a synchronous round trip to
 * the loader-hooks thread, which we keep off the start-up path of processes running
 * V8's experimental shared heap (--harmony-struct).
 */
export const TSX_IMPORT: string = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const BOOTSTRAP = new URL('./entry.mjs', import.meta.url);

/** How long `close` waits for busy workers to return before it terminates them. */
export const CLOSE_BOUND_MS = 10_000;

/** An error thrown by a task, rebuilt on this side: its class name, message, stack and plain fields. */
export class WorkerTaskError extends Error {
  constructor(data: { name: string; message: string; stack: string } & Record<string, unknown>) {
    super(data.message);
    Object.assign(this, data);
    this.name = data.name;
    this.stack = data.stack || this.stack;
  }
}

interface Pending {
  id: number;
  task: unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
  exited: Promise<void>;
  gone: boolean;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string; stack: string } } | { ready: true };

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closing = false;
  /** workers not spawned yet (shared heap: each waits for the previous one's ready) */
  private unspawned: number;

  constructor(
    private readonly filename: URL,
    readonly size: number,
    /** start workers one at a time (default: when this process runs the shared heap) */
    oneAtATime: boolean = nativeAvailable(),
  ) {
    this.unspawned = size;
    for (let i = 0; i < (oneAtATime ? Math.min(1, size) : size); i++) this.spawnNext();
  }

  /** How many workers have been spawned so far. */
  get spawned(): number {
    return this.slots.length;
  }

  private spawnNext(): void {
    if (this.unspawned === 0 || this.closing) return;
    this.unspawned--;
    this.slots.push(this.spawn(this.filename));
    this.pump(); // a queued task may go to it now
  }

  private spawn(filename: URL): Slot {
    const worker = new Worker(BOOTSTRAP, { workerData: { program: filename.href } });
    let onExit!: () => void;
    const slot: Slot = { worker, busy: null, exited: new Promise<void>((r) => (onExit = r)), gone: false };
    worker.on('message', (msg: Reply) => {
      if ('ready' in msg) {
        this.spawnNext(); // its module loaded: the next worker may boot
        return;
      }
      const p = slot.busy;
      slot.busy = null;
      if (p && p.id === msg.id) {
        if (msg.ok) p.resolve(msg.value);
        else p.reject(new WorkerTaskError(msg.error));
      }
      this.pump();
    });
    worker.on('error', (e: Error) => {
      // an uncaught error outside a task (the module failed to load, say): fail what it was running
      const p = slot.busy;
      slot.busy = null;
      p?.reject(e);
    });
    worker.on('exit', (code) => {
      slot.gone = true;
      const p = slot.busy;
      slot.busy = null;
      p?.reject(new Error(`worker thread exited (code ${code}) while running a task`));
      onExit();
      // a worker that died: queued tasks go to the others, or fail when none is left
      if (!this.closing && this.slots.every((s) => s.gone)) for (const q of this.queue.splice(0)) q.reject(new Error('every worker thread of the pool exited'));
      else this.pump();
    });
    return slot;
  }

  private pump(): void {
    for (const s of this.slots) {
      if (this.queue.length === 0) return;
      if (s.busy || s.gone) continue;
      const p = this.queue.shift()!;
      s.busy = p;
      s.worker.postMessage({ id: p.id, task: p.task });
    }
  }

  /** Run `task` on the next idle worker (SharedArrayBuffers in it are shared, not copied). */
  run<T = unknown>(task: unknown): Promise<T> {
    if (this.closing) return Promise.reject(new Error('the worker pool is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /**
   * Close: every worker leaves by itself after its current task returns. Workers still
   * busy after `boundMs` are terminated; returns how many (0 when every worker returned).
   */
  async close(boundMs = CLOSE_BOUND_MS): Promise<number> {
    if (this.closing) {
      await Promise.all(this.slots.map((s) => s.exited));
      return 0;
    }
    this.closing = true;
    for (const q of this.queue.splice(0)) q.reject(new Error('the worker pool closed before the task ran'));
    for (const s of this.slots) if (!s.gone) s.worker.postMessage(null); // after the running task, if any
    if ((await within(Promise.all(this.slots.map((s) => s.exited)), boundMs)) !== TIMED_OUT) return 0;
    const stuck = this.slots.filter((s) => !s.gone);
    await Promise.all(stuck.map((s) => s.worker.terminate()));
    return stuck.length;
  }

  /** The same as close(): kept for the engines' `destroy` wording. */
  destroy(boundMs?: number): Promise<number> {
    return this.close(boundMs);
  }
}

/** A fixed-size pool of long-lived workers running the program that `filename` (a .ts module URL) default-exports. */
export function workerPool(filename: URL, threads: number): WorkerPool {
  return new WorkerPool(filename, threads);
}

/** Close `pool`; kept as the name the stress engine uses. */
export async function destroyPool(pool: WorkerPool, boundMs?: number): Promise<void> {
  await pool.close(boundMs);
}
