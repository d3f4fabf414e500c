/**
 * The kernel race check: the real-kernel counterpart of the stress engine's
 * TSYNC-vs-clone/exit race. In the helper (mode `race`), per epoch (a fresh
 * process, so chains stay short: every syscall walks the whole chain), one
 * thread loops attach+TSYNC while `cloners` threads keep creating short-lived
 * children. Verdicts (all must be zero):
 *   - tsyncFailed:  a TSYNC returned non-zero (nobody ever diverges here);
 *   - cloneEscaped: a thread created after TSYNC k returned lacks filter k (I9);
 *   - aliveMissed:  a thread alive after TSYNC k returned lacks filter k (I7).
 * Each is checked with the probe syscall from the thread itself.
 */
import { kernelRelease, execHelper } from './runner.ts';

export interface KernelRaceOptions {
  durationMs: number;
  /** threads that clone and reap children in a loop (default 2) */
  cloners?: number;
  /** children each cloner keeps alive at once (default 4) */
  ring?: number;
  /** set TSYNC_ESRCH on every other TSYNC (the lab's kernel-race mix has half of each) */
  esrch?: boolean;
  /** TSYNCs per process before starting a fresh one (default 256) */
  epochLength?: number;
  /** negative control: attach WITHOUT the TSYNC flag; the checks must then report violations */
  negativeControl?: boolean;
}

export interface KernelRaceReport {
  kernel: string;
  elapsedMs: number;
  epochs: number;
  cloners: number;
  /** children per cloner kept alive at once */
  ring: number;
  /** the most threads the process has at once: the attacher, the cloners, their children */
  threads: number;
  esrch: boolean;
  epochLength: number;
  tsyncs: number;
  cloneExits: number;
  probes: number;
  tsyncPerSec: number;
  cloneExitPerSec: number;
  violations: { tsyncFailed: number; cloneEscaped: number; aliveMissed: number };
  /** sum of the violations */
  violationCount: number;
}

type RawRace = Omit<KernelRaceReport, 'kernel' | 'tsyncPerSec' | 'cloneExitPerSec' | 'violationCount' | 'threads' | 'esrch'>;

/** The shape of one process of `threads` threads, as the lab's `--groups 1 --threads N..N`:
 *  one attacher, one cloner, and N - 2 short-lived children it keeps alive. */
export function raceShapeForThreads(threads: number): { cloners: number; ring: number } {
  return { cloners: 1, ring: Math.max(1, threads - 2) };
}

/** Run the race check on the real kernel. Throws KernelUnavailable where it cannot run. */
export async function runKernelRace(opts: KernelRaceOptions): Promise<KernelRaceReport> {
  const kernel = await kernelRelease();
  const cloners = opts.cloners ?? 2;
  const ring = opts.ring ?? 4;
  const esrch = opts.esrch ?? false;
  const epochLength = opts.epochLength ?? 256;
  const ms = Math.max(1, Math.round(opts.durationMs));
  const args = ['race', String(ms), String(cloners), String(epochLength), opts.negativeControl ? '1' : '0', String(ring), esrch ? '1' : '0'];
  const r = await execHelper(args, '', ms + 30_000);
  const line = r.stdout.trim();
  if (r.code !== 0 || !line.startsWith('{')) throw new Error(`kernel race helper failed (exit ${r.code ?? r.signal}): ${line || r.stderr.trim()}`);
  const raw = JSON.parse(line) as RawRace;
  const perSec = (n: number) => Math.round((n * 1000) / raw.elapsedMs);
  const v = raw.violations;
  return {
    kernel,
    ...raw,
    threads: 1 + raw.cloners * (1 + raw.ring),
    esrch,
    tsyncPerSec: perSec(raw.tsyncs),
    cloneExitPerSec: perSec(raw.cloneExits),
    violationCount: v.tsyncFailed + v.cloneEscaped + v.aliveMissed,
  };
}
