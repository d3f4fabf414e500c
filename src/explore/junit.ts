/** An explore search as a JUnit suite (one testcase). */
import type { JunitSuite } from '../shared/junit.ts';
import type { ExploreRun } from './command.ts';
import { exploreFinding, formatExplore } from './format.ts';

/** One explore search (a FILE, or the stress workload): a found violation or forbidden outcome is the failure; the body is the printed report (schedule, tables, minimal schedule). */
export function exploreSuite(run: ExploreRun, file: string | undefined, command: string): JunitSuite {
  const r = run.report;
  const w = run.world;
  const finding = exploreFinding(r);
  const name = `explore ${run.what} design=${w.design}${w.bug ? ` bug=${w.bug}` : ''} scope=${w.scope} seed=${run.seed}`;
  return {
    name: 'tsync-lab explore',
    properties: { command, seed: run.seed, design: w.design, scope: w.scope, locks: Object.entries(w.plan).map(([k, v]) => `${k}=${v}`).join(' '), iterations: r.iterations },
    cases: [{ name, classname: 'tsync-lab.explore', time: r.elapsedMs / 1000, ...(finding ? { failure: { message: finding, body: `${formatExplore(r, file)}\n` } } : {}) }],
  };
}
