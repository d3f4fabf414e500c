/**
 * The litmus command after flag parsing, shared by the CLI (src/cli/litmus.ts)
 * and the library (src/api/litmus.ts): the same checks and one-line UsageErrors,
 * the same reports. Nothing here prints; lines go to the hooks given.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../shared/usage-error.ts';
import { WORLD_FLAGS, designFor, parseWorldFlags } from '../seccomp/world-flags.ts';
import { randomSeed } from '../shared/rng.ts';
import { preloadUserLocks } from '../locks/user.ts';
import { readConcurrentFile, type ConcurrentFile } from '../scenario/concurrent-parse.ts';
import type { LitmusEntry } from './junit.ts';
import type { LockPlan } from '../locks/kinds.ts';
import { checkOutputFlag, intFlag, parseDuration } from '../shared/flags.ts';
import { litmusPool, runLitmus } from './run.ts';
import { formatLitmus, jsonOf, type LitmusJson } from './format.ts';

export const LITMUS_OPTIONS = {
  duration: { type: 'string', default: '5s' },
  seed: { type: 'string' },
  design: WORLD_FLAGS.design,
  bug: WORLD_FLAGS.bug,
  lock: WORLD_FLAGS.lock,
  'max-stride': { type: 'string' },
  junit: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export interface LitmusValues {
  duration?: string;
  seed?: string;
  design?: string;
  bug?: string;
  lock?: string[];
  'max-stride'?: string;
  junit?: string;
}

export interface LitmusHooks {
  /** the seed line of each file and the lines of skipped files (the CLI's stderr, also with --json) */
  say?: (line: string) => void;
  /** about every second while a file runs */
  progress?: (line: string) => void;
  /** the histogram of each file, as it ends (the CLI's stdout without --json) */
  report?: (text: string) => void;
  interrupted?: () => boolean;
}

export interface LitmusRun {
  entries: LitmusEntry[];
  /** what --json prints: the contract object of the FILE (null when it was skipped), or an array of them for a DIR */
  json: LitmusJson | null | LitmusJson[];
  /** 1: a forbidden outcome or a violation; 0: clean */
  code: number;
  /** what the JUnit suite's properties name (the front end writes --junit FILE: litmusSuite) */
  seed: number;
  bug: string | null;
  plan: LockPlan;
}

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

export async function litmusCommand(values: LitmusValues, positionals: readonly string[], hooks: LitmusHooks = {}): Promise<LitmusRun> {
  if (positionals.length !== 1) throw new UsageError(`litmus: expected one FILE or DIR, got ${positionals.length} (see --help)`);
  const durationMs = parseDuration('duration', values.duration ?? '5s');
  const seed = intFlag('seed', values.seed, randomSeed(), 0, 0x7fffffff);
  const maxStride = values['max-stride'] === undefined ? undefined : intFlag('max-stride', values['max-stride'], 0, 1, 4096);
  const world = parseWorldFlags(values, { command: 'litmus', noNative: 'is not supported by litmus; choose another kind' });
  const explicitDesign = world.design;
  const bug = world.bug?.name ?? null;
  const plan = world.plan;
  checkOutputFlag('junit', values.junit);
  const paths = filesOf(positionals[0]!);
  // read every file first: a bad one is exit 2 before anything runs
  const files: { path: string; file: ConcurrentFile; design: string | null }[] = paths.map((path) => {
    const file = readConcurrentFile(path);
    return { path, file, design: designFor(world, file.scenario.designs) };
  });
  await preloadUserLocks(Object.values(plan)); // a bad lock module: one line, before anything runs
  const entries: LitmusEntry[] = [];
  let code = 0;
  // one worker per actor, kept across the files of a directory
  const running = files.filter((f) => f.design);
  const pool = running.length ? litmusPool(Math.max(...running.map((f) => f.file.scenario.actorNames.length))) : null;
  try {
    for (const { path, file, design } of files) {
      const s = file.scenario;
      if (!design) {
        const why = `applies to ${s.designs!.join(', ')}, not ${explicitDesign}`;
        hooks.say?.(`litmus ${path}: skipped: ${why}`);
        entries.push({ path, name: s.name, design: null, report: null, skipped: why });
        continue;
      }
      if (hooks.interrupted?.()) break;
      hooks.say?.(`tsync-lab litmus ${path}: design ${design}${bug ? `, bug ${bug}` : ''}, seed ${seed} (the per-copy start skew: --seed ${seed})`);
      const progress = hooks.progress;
      const r = await runLitmus(
        s,
        {
          design,
          bug,
          scope: world.scope,
          plan,
          seed,
          durationMs,
          ...(maxStride !== undefined ? { maxStride } : {}),
          ...(hooks.interrupted ? { interrupted: hooks.interrupted } : {}),
          ...(progress
            ? {
                progress: (pr) =>
                  progress(`  ${(pr.elapsedMs / 1000).toFixed(1)} s: ${pr.samples.toLocaleString('en-US')} samples, ${Math.round((pr.samples * 1000) / pr.elapsedMs).toLocaleString('en-US')}/s, ${pr.forbidden} forbidden, ${pr.violations} violation(s)`),
              }
            : {}),
        },
        pool!,
      );
      entries.push({ path, name: s.name, design, report: r });
      if (r.violations.length > 0 || r.outcomes.some((e) => e.expect === 'forbidden')) code = 1;
      hooks.report?.(formatLitmus(s.name, path, design, r));
    }
  } finally {
    await pool?.destroy();
  }
  const ran = entries.flatMap((e) => (e.report ? [jsonOf(e.report)] : []));
  const one = positionals[0] === files[0]?.path && files.length === 1;
  return { entries, json: one ? (ran[0] ?? null) : ran, code, seed, bug, plan };
}
