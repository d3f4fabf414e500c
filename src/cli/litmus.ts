/** `tsync-lab litmus FILE|DIR [options]`: jcstress-style outcome histograms on real threads. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../shared/usage-error.ts';
import { DESIGN_NAMES, findDesign } from '../seccomp/designs/index.ts';
import { checkBugDesign, findBug } from '../seccomp/bug-registry.ts';
import { parseDuration, parseLockPlan } from '../engine/options.ts';
import { randomSeed } from '../engine/rng.ts';
import { readConcurrentFile, type ConcurrentFile } from '../scenario/concurrent-parse.ts';
import { litmusPool, runLitmus, type LitmusReport } from '../litmus/run.ts';
import { formatLitmus, jsonOf } from '../litmus/format.ts';
import { intFlag } from './flags.ts';
import { onInterrupt } from './interrupt.ts';

export const help = `usage: tsync-lab litmus FILE|DIR [options]

Runs a concurrent scenario FILE (the format explore reads: setup, actors, graded
outcomes) on real worker threads, jcstress-style: one long-lived worker per actor,
many independent copies of the scenario state per round (one thread group each,
prepared once, reset from a post-setup snapshot), the actors run through the
copies in strides with a spin start per copy so their ops overlap. Prints the
histogram of outcomes (count, frequency, grade, the matching entry's desc),
samples/s, the stride it measured and chose, and how often the actors' ops
overlapped. A DIR runs every *.json in it; a file whose "designs" exclude the
design is skipped with a line.

  --duration D       per file, e.g. 500ms, 5s (default 5s)
  --seed S           seeds the per-copy start skew (default: random, printed)
  --design NAME      ${DESIGN_NAMES.join(' | ')} (default: the file's first design, else merged)
  --bug NAME         run a seeded bug (see \`tsync-lab bugs\`)
  --lock ROLE=KIND   repeatable: the lock kind of a role (native is not supported here)
  --max-stride N     largest stride (copies per round) tried (default: up to 4096)
  --json             print { samples, samplesPerSecond, stride, durationMs, seed, outcomes, violations }
                     (an array of them for a DIR)

grades: acceptable and interesting are shown and pass; a forbidden outcome or any
checker violation (always forbidden, printed in full) fails the run.

exit: 0 clean, 1 a forbidden outcome or a violation, 2 bad input, 3 internal error

examples:
  npx tsync-lab litmus test/concurrent/tsync_vs_clone.json --duration 2s
  npx tsync-lab litmus test/concurrent --duration 1s
  npx tsync-lab litmus test/concurrent/tsync_vs_clone.json --bug clone-copy-early
`;

function filesOf(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new UsageError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!st.isDirectory()) return [path];
  const files = readdirSync(path)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) throw new UsageError(`${path}: no *.json concurrent scenario files in this directory`);
  return files;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      duration: { type: 'string', default: '5s' },
      seed: { type: 'string' },
      design: { type: 'string' },
      bug: { type: 'string' },
      lock: { type: 'string', multiple: true },
      'max-stride': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`litmus: expected one FILE or DIR, got ${positionals.length} (see --help)`);
  const durationMs = parseDuration('duration', values.duration!);
  const seed = intFlag('seed', values.seed, randomSeed(), 0, 0x7fffffff);
  const maxStride = values['max-stride'] === undefined ? undefined : intFlag('max-stride', values['max-stride'], 0, 1, 4096);
  const explicitDesign = values.design === undefined ? null : findDesign(values.design).name;
  const bug = values.bug ? findBug(values.bug).name : null;
  const plan = parseLockPlan(values.lock);
  for (const [role, kind] of Object.entries(plan)) if (kind === 'native') throw new UsageError(`litmus: lock kind "native" (${role}) is not supported by litmus; choose another kind`);
  const paths = filesOf(positionals[0]!);
  // read every file first: a bad one is exit 2 before anything runs
  const files: { path: string; file: ConcurrentFile; design: string | null }[] = paths.map((path) => {
    const file = readConcurrentFile(path);
    const ds = file.scenario.designs;
    const design = explicitDesign ?? ds?.[0] ?? 'merged';
    return { path, file, design: ds && !ds.includes(design) ? null : design };
  });
  for (const f of files) if (f.design && bug) checkBugDesign(findBug(bug), f.design);
  const json = values.json!;
  const err = process.stderr;
  const sigint = onInterrupt('stopping, the histogram follows');
  const reports: LitmusReport[] = [];
  let code = 0;
  // one worker per actor, kept across the files of a directory
  const running = files.filter((f) => f.design);
  const pool = running.length ? litmusPool(Math.max(...running.map((f) => f.file.scenario.actorNames.length))) : null;
  try {
    for (const { path, file, design } of files) {
      const s = file.scenario;
      if (!design) {
        err.write(`litmus ${path}: skipped: applies to ${s.designs!.join(', ')}, not ${explicitDesign}\n`);
        continue;
      }
      if (sigint.requested()) break;
      err.write(`tsync-lab litmus ${path}: design ${design}${bug ? `, bug ${bug}` : ''}, seed ${seed} (the per-copy start skew: --seed ${seed})\n`);
      const r = await runLitmus(s, {
        design,
        bug,
        scope: 'siglock',
        plan,
        seed,
        durationMs,
        ...(maxStride !== undefined ? { maxStride } : {}),
        interrupted: sigint.requested,
        ...(json
          ? {}
          : {
              progress: (pr) =>
                err.write(`  ${(pr.elapsedMs / 1000).toFixed(1)} s: ${pr.samples.toLocaleString('en-US')} samples, ${Math.round((pr.samples * 1000) / pr.elapsedMs).toLocaleString('en-US')}/s, ${pr.forbidden} forbidden, ${pr.violations} violation(s)\n`),
            }),
      }, pool!);
      reports.push(r);
      const failed = r.violations.length > 0 || r.outcomes.some((e) => e.expect === 'forbidden');
      if (failed) code = 1;
      if (!json) process.stdout.write(formatLitmus(s.name, path, design, r) + '\n');
    }
  } finally {
    sigint.dispose();
    await pool?.destroy();
  }
  if (json) {
    const one = positionals[0] === files[0]?.path && files.length === 1;
    process.stdout.write(JSON.stringify(one ? (reports[0] ? jsonOf(reports[0]) : null) : reports.map(jsonOf), null, 2) + '\n');
  }
  return code;
}
