/**
 * Model vs kernel: run one scenario on both and list every difference (step
 * results, chains, nnp, mode, liveness). Used by `tsync-lab diff`,
 * `npm run conformance` and the conformance tests.
 */
import type { BugName } from '../seccomp/bug.ts';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../shared/usage-error.ts';
import { diffResults } from '../scenario/compare.ts';
import { runScenario } from '../scenario/run.ts';
import type { Result, Scenario } from '../scenario/types.ts';
import { runOnKernel } from './runner.ts';

export interface ScenarioDiff {
  name: string;
  design: string;
  kernel: string;
  model: Result;
  actual: Result;
  /** one line per difference; empty = identical */
  differences: string[];
}

/** Run `s` on the model (under `design`) and on the real kernel, and compare. */
export async function diffScenario(s: Scenario, opts: { design: string; bug?: BugName }): Promise<ScenarioDiff> {
  const k = await runOnKernel(s); // first: refuses `sync` and unavailable kernels before any model work
  const model = runScenario(s, opts);
  return {
    name: s.name,
    design: opts.design,
    kernel: k.release,
    model,
    actual: k.result,
    differences: diffResults(model, k.result, ['model', 'kernel']),
  };
}

/** The scenario files named by `paths`: files as given, folders searched for *.json (sorted, recursive). */
export function scenarioFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, top: boolean): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`${p}: no such file or folder`);
    }
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) {
        const q = join(p, e);
        if (statSync(q).isDirectory() || e.endsWith('.json')) walk(q, false);
      }
    } else if (top || p.endsWith('.json')) out.push(p);
  };
  for (const p of paths) walk(p, true);
  return out;
}
