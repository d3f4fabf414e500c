/** `tsync-lab stress`: the main job. */
import { parseArgs } from 'node:util';
import { UsageError } from '../shared/usage-error.ts';
import { STRESS_OPTIONS, stressConfigFrom, wantsNative, type StressValues } from '../stress/options.ts';
import { runStress } from '../stress/run.ts';
import { formatProgress, formatSummary, formatViolation } from '../stress/report.ts';
import { writeJsonAtomic } from '../shared/json-file.ts';
import { needsHarmonyStruct, reexecWithHarmonyStruct, REEXEC_GRACE_MS } from '../workers/reexec.ts';
import { onInterrupt } from './interrupt.ts';
import { exploreCommandFor } from '../explore/flags.ts';
import { checkOutputFlag } from '../shared/flags.ts';
import { DESIGN_NAMES } from '../seccomp/designs/index.ts';
import { LOCK_KINDS, LOCK_ROLES } from '../locks/kinds.ts';
import { writeJunitAtomic } from '../junit/xml.ts';
import { stressSuite } from '../stress/junit.ts';
import { preloadUserLocks } from '../locks/user.ts';
import { formatMix, DEFAULT_MIX } from '../stress/mix.ts';
import { OP_KINDS } from '../scenario/op-kinds.ts';

export const help = `usage: tsync-lab stress [options]

Races TSYNC, clone, exit and lockless syscall walks on real worker threads over
the shared-memory model, with online checkers, stop-the-world audits, lockdep
and a final leak check. Prints its seed, a progress line every second, and a
summary; the first violation is printed in full.

  --design NAME        ${DESIGN_NAMES.join(' | ')} (default merged)
  --bug NAME           run a seeded bug (see \`tsync-lab bugs\`)
  --scope S            siglock | tasklist | threadgroup: lock serialising TSYNC vs clone (default siglock)
  --workers N          worker threads = simulated CPUs (default: available cores)
  --groups N           processes (default 4)
  --threads LOW..HIGH  threads per process kept between the marks (default 2..8)
  --duration D         e.g. 500ms, 10s, 2m (default 10s)
  --ops N              stop once N ops have run in all: a budget of operations, the same
                       on an idle and a busy machine (--duration stays the cap)
  --seed N             seed of every random choice (default: random, printed)
  --mix K=W,...        op weights; kinds: ${OP_KINDS.join(', ')};
                       or a named mix, optionally with overrides: kernel-race[,K=W...]
                       (the real-kernel race check's shape; with --groups 1 --threads 8..8)
                       (default ${formatMix(DEFAULT_MIX)})
  --lock ROLE=KIND     repeatable; roles: ${LOCK_ROLES.join(', ')}; kinds: ${LOCK_KINDS.join(', ')}
  --noise P            probability of a tiny delay at each seam point (default 0; bugs set their own)
  --no-lockdep         turn lockdep off (on by default)
  --max-violations N   stop after N violations (default 1; 0 = never stop early)
  --stop-on K,...      stop at the first violation of one of these kinds instead (others are recorded)
  --audit-every D      stop-the-world audit period (default 1s; 0 = only at the end)
  --watchdog D         lock wait bound before a deadlock is reported (default 2s)
  --livelock D         op duration bound before a livelock is reported (default 5s)
  --max-depth N        chain depth at which attach turns into exit (default 48)
  --latency            record TSYNC latencies (HDR histogram) into the report
  --retry-limit N      tsync_retry: attempts before a caller loop gives up (default 64)
  --retry-policy P     tsync_retry on a failure that returned a tid: wait (retry at the thread's next op)
                       or kill (that thread exits at its next op; at once if this worker can claim it)
  --diverge P          probability that an op is a private attach instead (a "library thread"
                       installing its own filter; default 0)
  --lifetime N         mean thread lifetime in ops: each op exits with probability 1/N (default 0 = off)
  --json FILE          write the JSON report (atomically; schema: docs/stress-report.md)
  --junit FILE         write a JUnit XML report (one testcase; a violation or crash is its failure)
  --quiet              no progress lines, no summary (violations and errors still print)
  --inject KIND@N      testing only: worker 0's Nth op misbehaves to prove a watchdog fires:
                       crash (exit 3), stall (livelock), lock-leak (lock held at op end, deadlock),
                       unlocked (a model function called without the lock it asserts: lock-contract)

exit: 0 clean, 1 violations found, 2 bad input, 3 internal error (a worker crashed)

example:
  npx tsync-lab stress --duration 5s --groups 2 --threads 2..16
  npx tsync-lab stress --mix tsync_retry=2,tsync=0,tsync_esrch=0,attach=0 --diverge 0.02 --retry-policy kill
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...STRESS_OPTIONS, json: { type: 'string' }, junit: { type: 'string' }, quiet: { type: 'boolean', default: false } } });
  if (positionals.length) throw new UsageError(`stress: unexpected argument "${positionals[0]}" (see --help)`);
  const { junit, ...stressValues } = values;
  checkOutputFlag('junit', junit);
  const cfg = stressConfigFrom(stressValues as StressValues);
  checkOutputFlag('json', values.json);
  if (needsHarmonyStruct(wantsNative(cfg))) return reexecWithHarmonyStruct(['stress', ...argv], { timeoutMs: cfg.durationMs + cfg.livelockMs + cfg.watchdogMs + REEXEC_GRACE_MS });
  await preloadUserLocks(Object.values(cfg.locks)); // a bad lock module: one line, before anything starts
  const quiet = values.quiet;
  const err = process.stderr;
  err.write(`tsync-lab stress: seed ${cfg.seed} (replay the op choices with --seed ${cfg.seed})\n`);
  const sigint = onInterrupt('stopping, the report follows');
  let lastTotal = 0;
  let lastAt = 0;
  const tty = err.isTTY === true;
  const report = await runStress(cfg, {
    interrupted: sigint.requested,
    progress: quiet
      ? undefined
      : (t, elapsed) => {
          const line = formatProgress(t, elapsed, cfg.durationMs, lastTotal, elapsed - lastAt);
          lastTotal = t.total;
          lastAt = elapsed;
          err.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
        },
  });
  sigint.dispose();
  if (tty && !quiet) err.write('\n');
  if (report.violations.length) {
    process.stdout.write(formatViolation(report.violations[0]!));
    // from stress to explore: the same world under the controlled scheduler, replayable
    const hunt = exploreCommandFor(cfg);
    if (hunt) process.stdout.write(`hunt it under control: ${hunt}\n`);
  }
  if (!quiet) process.stdout.write(formatSummary(report));
  if (values.json) writeJsonAtomic(values.json, report);
  if (junit) writeJunitAtomic(junit, [stressSuite(report, ['tsync-lab', 'stress', ...argv].join(' '))]);
  return report.exitCode;
}
