/**
 * Differential fuzzing, model against kernel (`tsync-lab diff --fuzz N`): random
 * valid sequential scenarios (src/scenario/generate.ts) run on both through the
 * existing runners (diffScenario). fast-check drives the search from the seed and,
 * at the first difference, shrinks the plan to a minimal scenario that still
 * differs. Scenarios the kernel cannot express (a `sync` step, a path cost the
 * helper cannot reproduce exactly) are skipped and drawn again: they are not runs.
 */
import fc from 'fast-check';
import { planArb, toScenario, type Plan } from '../scenario/generate.ts';
import type { Result, Scenario } from '../scenario/types.ts';
import { diffScenario, type ScenarioDiff } from './conformance.ts';
import { NotRunnableOnKernel } from './errors.ts';
import { findDesign } from '../seccomp/designs/index.ts';
import type { BugName } from '../seccomp/bug.ts';

export interface FuzzOptions {
  runs: number;
  seed: number;
  maxSteps: number;
  design: string;
  bug?: BugName;
  timeoutMs?: number;
  /** called after every scenario of the search (not of the shrink) */
  onProgress?: (done: number) => void;
  /** called after every shrink step that still differs */
  onShrink?: (steps: number) => void;
}

/** One difference: the shrunk scenario (as a file, `expect` = the kernel's result) and both results. */
export interface FuzzDifference {
  scenario: Scenario & { description: string };
  model: Result;
  kernel: Result;
}

/** The JSON contract of `diff --fuzz --json`: exactly these keys. */
export interface FuzzReport {
  runs: number;
  identical: number;
  seed: number;
  differences: FuzzDifference[];
}

export interface FuzzOutcome {
  report: FuzzReport;
  /** the kernel release compared against ('' if nothing ran) */
  kernel: string;
  /** scenarios drawn and skipped as not runnable on the kernel */
  notRunnable: number;
  /** the difference lines of each difference (diffResults) */
  lines: string[][];
  elapsedMs: number;
}

class Fatal {
  constructor(readonly error: unknown) {}
}

export async function fuzz(o: FuzzOptions): Promise<FuzzOutcome> {
  const t0 = performance.now();
  let kernel = '';
  let searched = 0;
  let notRunnable = 0;
  let fatal: Fatal | undefined;
  let shrinking = false;
  const diffOf = async (s: Scenario): Promise<ScenarioDiff | 'not_runnable'> => {
    try {
      return await diffScenario(s, {
        design: o.design,
        ...(o.bug ? { bug: o.bug } : {}),
        ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
      });
    } catch (e) {
      if (e instanceof NotRunnableOnKernel) return 'not_runnable';
      throw e;
    }
  };
  // `sync` steps for designs that have the op; the kernel has no such call, so
  // those scenarios are skipped as not runnable and the others compared.
  const withSync = findDesign(o.design).hasSyncOp;
  const property = fc.asyncProperty(planArb({ maxSteps: o.maxSteps, withSync }), async (plan: Plan) => {
    if (fatal) return true; // an internal error ends the search: the remaining runs are no-ops
    const s = toScenario(plan, o.maxSteps);
    let d: ScenarioDiff | 'not_runnable';
    try {
      d = await diffOf(s);
    } catch (e) {
      fatal = new Fatal(e); // not a difference: never shrink an internal error
      return true;
    }
    if (d === 'not_runnable') {
      if (!shrinking) notRunnable++;
      fc.pre(false);
      return true;
    }
    kernel = d.kernel;
    const same = d.differences.length === 0;
    if (!shrinking) {
      searched++;
      o.onProgress?.(searched);
      if (!same) shrinking = true;
    } else if (!same) o.onShrink?.(s.steps.length);
    return same;
  });
  const details = await fc.check(property, { numRuns: o.runs, seed: o.seed, maxSkipsPerRun: 1000 });
  if (fatal) throw fatal.error;
  const differences: FuzzDifference[] = [];
  const lines: string[][] = [];
  if (details.failed) {
    if (!details.counterexample) throw new Error(`fuzz: fast-check stopped without a counterexample (${details.numSkips} scenarios skipped as not runnable on the kernel)`);
    const s = toScenario(details.counterexample[0], o.maxSteps, `fuzz_seed${o.seed}_run${searched}`);
    const d = await diffOf(s);
    if (d === 'not_runnable' || d.differences.length === 0) throw new Error(`fuzz: the shrunk scenario no longer differs on a re-run (a flaky runner?): ${JSON.stringify(s)}`);
    differences.push({
      scenario: {
        name: s.name,
        description:
          `Found by tsync-lab diff --fuzz ${o.runs} --seed ${o.seed} --max-steps ${o.maxSteps}${o.design === 'merged' ? '' : ` --design ${o.design}`}` +
          `${o.bug ? ` --bug ${o.bug}` : ''} (shrunk): the model differs from Linux ${d.kernel}; "expect" is the kernel's result. First difference: ${d.differences[0]}`,
        privileged: s.privileged,
        threads: s.threads,
        steps: s.steps,
        expect: d.actual,
      },
      model: d.model,
      kernel: d.actual,
    });
    lines.push(d.differences);
  }
  return {
    report: { runs: searched, identical: searched - differences.length, seed: o.seed, differences },
    kernel,
    notRunnable,
    lines,
    elapsedMs: performance.now() - t0,
  };
}
