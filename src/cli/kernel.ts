/**
 * `tsync-lab kernel`: the real Linux kernel as ground truth. Runs a scenario
 * with real pthreads and seccomp(2) (src/kernel/helper.c), the TSYNC race
 * check, or reports whether this machine can do either.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../shared/usage-error.ts';
import { parseScenarioFile } from '../scenario/parse.ts';
import { calibrate, kernelRelease, runOnKernel } from '../kernel/runner.ts';
import { raceShapeForThreads, runKernelRace, type KernelRaceReport } from '../kernel/race.ts';
import { formatResult, reportExpect } from './scenario.ts';
import { intFlag, timeoutFlag, parseDuration } from '../shared/flags.ts';

export const help = `usage: tsync-lab kernel FILE [--json] [--timeout D]
       tsync-lab kernel --race [--duration 2s] [--cloners N | --threads N] [--epoch N] [--json]
       tsync-lab kernel --check

Runs a scenario file on the real Linux kernel: one real pthread per scenario
thread, each step run by its own thread while the others wait, real
seccomp(2)/prctl(2) calls. Prints the same result as \`tsync-lab scenario\`
(--json: exactly the result JSON). A C helper is compiled on first use into
.cache/tsync-lab/ (needs cc/gcc/clang). If the file has an "expect" object,
compares it too (exit 1 on a mismatch).

  --json           print JSON only
  --timeout D      end the helper past D (1s..1h; default 10s + 20ms per step)
  --race           the kernel race check: one thread loops attach+TSYNC while
                   cloner threads create and reap short-lived children; every
                   thread created after a TSYNC returned, and every thread alive
                   when it returned, must carry its filter. Reports TSYNC/s and
                   clone+exit/s (exit 1 on any violation)
  --duration D     race length: 500ms, 2s, 1m (default 2s)
  --cloners N      race: cloning threads, 1..16 (default 2, each keeping 4 children)
  --threads N      race: one process of at most N threads, 3..64, shaped like the
                   lab's \`stress --mix kernel-race --groups 1 --threads N..N\`: one
                   attacher (TSYNC_ESRCH on every other TSYNC), one cloner and the
                   N - 2 short-lived children it keeps alive, every thread probing
  --epoch N        race: TSYNCs per fresh process, 1..2000 (default 256)
  --check          say whether this machine can run scenarios, and measure the
                   kernel's path cost of the helper's probe program

exit: 0 ok, 1 expect mismatch or race violation, 2 bad input or the kernel
cannot run it here (the message says exactly why), 3 internal error (one
line naming the log file with the helper's whole output; TSYNC_LAB_DEBUG=1
prints the stack too)

example:
  npx tsync-lab kernel test/scenarios/two_siblings_with_one_divergence.json
  npx tsync-lab kernel --race --duration 2s --json
`;

export function formatRace(r: KernelRaceReport): string {
  const v = r.violations;
  return [
    `kernel race check on Linux ${r.kernel}: ${(r.elapsedMs / 1000).toFixed(2)}s, ${r.epochs} epochs of up to ${r.epochLength} TSYNCs, ${r.cloners} cloner thread(s) keeping ${r.ring} children each (at most ${r.threads} threads)${r.esrch ? ', TSYNC_ESRCH on every other TSYNC' : ''}`,
    `  TSYNC (attach+sync):  ${r.tsyncs} calls, ${r.tsyncPerSec}/s`,
    `  clone+exit:           ${r.cloneExits} threads, ${r.cloneExitPerSec}/s`,
    `  probes from threads:  ${r.probes}`,
    `  violations:           ${r.violationCount} (tsync failed ${v.tsyncFailed}, clone escaped ${v.cloneEscaped}, alive thread missed ${v.aliveMissed})`,
  ].join('\n') + '\n';
}

async function check(): Promise<number> {
  const release = await kernelRelease();
  const c0 = await calibrate(0);
  const c100 = await calibrate(100);
  process.stdout.write(
    [
      `Linux ${release}: seccomp filters, TSYNC and TSYNC_ESRCH work; scenarios can run.`,
      `path cost of the probe program: ${c0.cost} (unpadded), ${c100.cost} (+100 pads): the kernel counts eBPF instructions after conversion`,
    ].join('\n') + '\n',
  );
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      race: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      duration: { type: 'string' },
      cloners: { type: 'string' },
      threads: { type: 'string' },
      epoch: { type: 'string' },
      timeout: { type: 'string' },
    },
  });
  if (values.timeout !== undefined && (values.check || values.race)) throw new UsageError('--timeout goes with a scenario FILE');
  const raceOnly = values.duration !== undefined || values.cloners !== undefined || values.threads !== undefined || values.epoch !== undefined;
  if (values.check) {
    if (positionals.length || values.race) throw new UsageError('kernel --check takes no FILE and no --race');
    if (raceOnly || values.json) throw new UsageError('kernel --check takes no --duration, --cloners, --threads, --epoch or --json');
    return check();
  }
  if (values.race) {
    if (positionals.length) throw new UsageError('kernel --race takes no FILE');
    if (values.threads !== undefined && values.cloners !== undefined) throw new UsageError('kernel --race: --threads or --cloners, not both');
    const shape = values.threads !== undefined ? { ...raceShapeForThreads(intFlag('threads', values.threads, 8, 3, 64)), esrch: true } : { cloners: intFlag('cloners', values.cloners, 2, 1, 16) };
    const report = await runKernelRace({
      durationMs: values.duration === undefined ? 2000 : parseDuration('duration', values.duration),
      ...shape,
      epochLength: intFlag('epoch', values.epoch, 256, 1, 2000),
    });
    process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatRace(report));
    return report.violationCount > 0 ? 1 : 0;
  }
  if (raceOnly) throw new UsageError('--duration, --cloners, --threads and --epoch go with --race');
  if (positionals.length !== 1) throw new UsageError('kernel: expected exactly one FILE (see --help)');
  const timeoutMs = timeoutFlag(values.timeout);
  const s = parseScenarioFile(positionals[0]!);
  const k = await runOnKernel(s, timeoutMs === undefined ? {} : { timeoutMs });
  if (values.json) process.stdout.write(JSON.stringify(k.result, null, 2) + '\n');
  else {
    const priv = s.privileged ? 'privileged: CAP_SYS_ADMIN kept' : 'unprivileged: CAP_SYS_ADMIN dropped';
    process.stdout.write(formatResult(s, k.result, `scenario ${s.name} on the real kernel (Linux ${k.release}, ${priv})`));
  }
  return reportExpect(s, k.result, !!values.json, 'kernel');
}
