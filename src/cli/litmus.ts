/** `tsync-lab litmus FILE|DIR [options]`: jcstress-style outcome histograms on real threads. */
import { parseArgs } from 'node:util';
import { DESIGN_NAMES } from '../seccomp/designs/index.ts';
import { LITMUS_OPTIONS, litmusCommand, type LitmusRun } from '../litmus/command.ts';
import { litmusSuite } from '../litmus/junit.ts';
import { writeJunitAtomic } from '../junit/xml.ts';
import { onInterrupt } from './interrupt.ts';

export const help = `usage: tsync-lab litmus FILE|DIR [options]

Runs a concurrent scenario FILE (the format explore reads: setup, actors, graded
outcomes) on real worker threads, jcstress-style: one long-lived worker per actor,
many independent copies of the scenario state per round (one thread group each,
prepared once, reset from a post-setup snapshot), the actors run through the
copies in strides with a spin start per copy so their ops overlap. Prints the
histogram of outcomes (count, frequency, grade, the matching entry's desc),
samples/s, the stride it measured and chose, and how often the actors' ops
overlapped; under 50% overlap it says NOT RACING: the frequencies then record
the order the OS ran the actors in, not races. A DIR runs every *.json in it;
a file whose "designs" exclude the design is skipped with a line.

  --duration D       per file, e.g. 500ms, 5s (default 5s)
  --seed S           seeds the per-copy start skew (default: random, printed)
  --design NAME      ${DESIGN_NAMES.join(' | ')} (default: the file's first design, else merged)
  --bug NAME         run a seeded bug (see \`tsync-lab bugs\`)
  --lock ROLE=KIND   repeatable: the lock kind of a role (native is not supported here);
                     KIND may be a lock module ./path/lock.mjs (docs/locks.md)
  --max-stride N     largest stride (copies per round) tried (default: up to 4096)
  --json             print { samples, samplesPerSecond, stride, durationMs, seed, outcomes, violations,
                     timing: { measured, overlapPct, startSpreadUs, racing, note } }
                     (an array of them for a DIR); racing is false, with a note, when the
                     ops overlapped in under 50% of the timed samples
  --junit FILE       write a JUnit XML report (one testcase per file; a forbidden outcome or a
                     violation is its failure, with the histogram; a skipped file is skipped)

grades: acceptable and interesting are shown and pass; a forbidden outcome or any
checker violation (always forbidden, printed in full) fails the run.

exit: 0 clean, 1 a forbidden outcome or a violation, 2 bad input, 3 internal error

examples:
  npx tsync-lab litmus test/concurrent/tsync_vs_clone.json --duration 2s
  npx tsync-lab litmus test/concurrent --duration 1s
  npx tsync-lab litmus test/concurrent/tsync_vs_clone.json --bug clone-copy-early
`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: LITMUS_OPTIONS });
  const json = values.json!;
  const err = process.stderr;
  const sigint = onInterrupt('stopping, the histogram follows');
  let run: LitmusRun;
  try {
    run = await litmusCommand(values, positionals, {
      say: (line) => err.write(`${line}\n`),
      ...(json ? {} : { progress: (line: string) => err.write(`${line}\n`), report: (text: string) => process.stdout.write(`${text}\n`) }),
      interrupted: sigint.requested,
    });
  } finally {
    sigint.dispose();
  }
  if (values.junit) writeJunitAtomic(values.junit, [litmusSuite(run.entries, { command: ['tsync-lab', 'litmus', ...argv].join(' '), seed: run.seed, bug: run.bug, locks: run.plan })]);
  if (json) process.stdout.write(JSON.stringify(run.json, null, 2) + '\n');
  return run.code;
}
