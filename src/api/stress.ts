/** `stress(options)`: the `tsync-lab stress` command as a function. */
import { STRESS_OPTIONS, stressConfigFrom, type StressValues } from '../stress/options.ts';
import { runStress } from '../stress/run.ts';
import { formatProgress, type StressReport } from '../stress/report.ts';
import { writeJsonAtomic } from '../shared/json-file.ts';
import { preloadUserLocks } from '../locks/user.ts';
import { writeJunitAtomic } from '../junit/xml.ts';
import { stressSuite } from '../stress/junit.ts';
import { checkOutputFlag } from '../shared/flags.ts';
import { asApi } from './errors.ts';
import { parseOptions, type FlagsOf } from './options.ts';

export interface Common {
  /** called with each progress line the CLI would print on stderr; nothing is printed otherwise */
  onProgress?: (line: string) => void;
  /** aborting stops the run early, like SIGINT on the command line (the report says interrupted) */
  signal?: AbortSignal;
}

const OPTIONS = { ...STRESS_OPTIONS, json: { type: 'string' }, junit: { type: 'string' } } as const;

/** `tsync-lab stress` flags by name (duration, seed, design, bug, scope, workers, groups, threads, mix, lock, noise, …, json, junit) */
export type StressOptions = FlagsOf<typeof OPTIONS> & Common;

/** Resolves to the report `stress --json` writes; rejects with a TsyncLabError for bad options. */
export function stress(options: StressOptions = {}): Promise<StressReport> {
  return asApi(async () => {
    const { json, junit, ...values } = parseOptions(options, OPTIONS, ['onProgress', 'signal']);
    checkOutputFlag('json', json);
    checkOutputFlag('junit', junit);
    const cfg = stressConfigFrom(values as StressValues);
    await preloadUserLocks(Object.values(cfg.locks));
    const say = options.onProgress;
    say?.(`tsync-lab stress: seed ${cfg.seed} (replay the op choices with --seed ${cfg.seed})`);
    let lastTotal = 0;
    let lastAt = 0;
    const signal = options.signal;
    const report = await runStress(cfg, {
      ...(signal ? { interrupted: () => signal.aborted } : {}),
      ...(say
        ? {
            progress: (t, elapsed) => {
              say(formatProgress(t, elapsed, cfg.durationMs, lastTotal, elapsed - lastAt));
              lastTotal = t.total;
              lastAt = elapsed;
            },
          }
        : {}),
    });
    if (json) writeJsonAtomic(json, report);
    if (junit) writeJunitAtomic(junit, [stressSuite(report, 'stress() (tsync-lab library)')]);
    return report;
  });
}
