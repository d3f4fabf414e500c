/**
 * Running the helper: the availability check, scenarios and calibration.
 * Each scenario runs in a fresh helper process (its main thread is the
 * scenario's group leader; see helper.c for why).
 */
import { spawn } from 'node:child_process';
import type { Scenario } from '../scenario/types.ts';
import { helperPath } from './build.ts';
import { KernelTimeout, KernelUnavailable } from './errors.ts';
import { InternalError } from '../shared/internal-error.ts';
import { UsageError } from '../shared/usage-error.ts';
import { decodeOutput, encodeScenario, type HelperRun } from './protocol.ts';

interface Exec {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** killed by our timer */
  timedOut: boolean;
}

/** Run the helper with `args`, feeding `input`; kill it (and its process group) after `timeoutMs`. */
export function execHelper(args: string[], input = '', timeoutMs = 30_000): Promise<Exec> {
  const bin = helperPath();
  return new Promise((resolve, reject) => {
    // Its own process group: in race mode the helper forks an epoch child, and a
    // timeout must kill that too, not only the helper.
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is already gone
      }
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code, signal, timedOut });
    });
    child.stdin.on('error', () => {}); // the helper may refuse before reading it all
    child.stdin.end(input);
  });
}

let support: Promise<string> | undefined;

/**
 * The kernel release if scenarios can run here; otherwise throws
 * KernelUnavailable with the exact reason (not Linux, no compiler, no seccomp,
 * no TSYNC_ESRCH, already filtered, the probe program's path cost is not the
 * one the helper pads with...). Checked once per process.
 */
export function kernelRelease(): Promise<string> {
  support ??= (async () => {
    const r = await execHelper(['check']);
    const line = r.stdout.trim();
    if (line.startsWith('ok ')) return line.slice(3);
    if (line.startsWith('unavailable ')) throw new KernelUnavailable(line.slice('unavailable '.length));
    throw new KernelUnavailable(`the helper's self-check failed (exit ${r.code ?? r.signal}): ${line || r.stderr.trim()}`);
  })();
  return support;
}

/** Whether the kernel is usable, as a value (for tests that must say why they skip). */
export async function kernelAvailability(): Promise<{ ok: true; release: string } | { ok: false; reason: string }> {
  try {
    return { ok: true, release: await kernelRelease() };
  } catch (e) {
    if (e instanceof KernelUnavailable) return { ok: false, reason: e.message };
    throw e;
  }
}

export interface KernelRun extends HelperRun {
  release: string;
}

/**
 * The default time limit of a scenario on the kernel: it scales with the
 * scenario (10 s, plus 20 ms per step; a step takes well under 1 ms, so this
 * only ends a wedged helper).
 */
export function defaultKernelTimeoutMs(s: Scenario): number {
  return 10_000 + 20 * s.steps.length;
}

export interface KernelRunOptions {
  /** end the helper past this (default: defaultKernelTimeoutMs) */
  timeoutMs?: number;
}

/**
 * Run a scenario on the real kernel. Throws KernelUnavailable / NotRunnableOnKernel
 * (exit 2 in the CLI), KernelTimeout past the time limit, and InternalError (with
 * the helper's whole output as its detail) when the helper misbehaves.
 */
export async function runOnKernel(s: Scenario, opts: KernelRunOptions = {}): Promise<KernelRun> {
  const input = encodeScenario(s); // refuses `sync` before anything runs
  const release = await kernelRelease();
  const limitMs = opts.timeoutMs ?? defaultKernelTimeoutMs(s);
  // The helper's own alarm (whole seconds) is a backstop behind our timer.
  const r = await execHelper(['scenario', String(Math.ceil(limitMs / 1000) + 1)], input, limitMs);
  const log = () => `helper stdout:\n${r.stdout}\nhelper stderr:\n${r.stderr}\nexit ${r.code ?? r.signal}`;
  if (r.timedOut || r.signal === 'SIGALRM')
    throw new KernelTimeout(limitMs, r.stdout.split('\n').filter((l) => l.startsWith('step ')).length, s.steps.length, log());
  if (r.signal) throw new InternalError(`kernel helper killed by ${r.signal}`, log());
  try {
    return { ...decodeOutput(s, r.stdout), release };
  } catch (e) {
    if (e instanceof UsageError) throw e; // not runnable: the helper said why
    throw new InternalError((e as Error).message.split('\n')[0]!, log());
  }
}

/**
 * The kernel's path-limit cost of the helper's probe program with `pad`
 * one-instruction pads (measured by filling a chain until ENOMEM).
 */
export async function calibrate(pad: number): Promise<{ cost: number; fit: number; candidates: number }> {
  await kernelRelease();
  const r = await execHelper(['calibrate', String(pad)]);
  const m = /^cost (-?\d+) fit (\d+) candidates (\d+)/.exec(r.stdout.trim());
  if (!m) throw new Error(`kernel helper calibrate: ${r.stdout.trim() || r.stderr.trim()}`);
  return { cost: Number(m[1]), fit: Number(m[2]), candidates: Number(m[3]) };
}
