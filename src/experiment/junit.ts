/** An experiment as a JUnit suite: one testcase per cell; a cell whose checker fired is a failure with its replay command. */
import { firstLine, type JunitCase, type JunitSuite } from '../shared/junit.ts';
import { statusMark } from './console.ts';
import type { ExperimentResult } from './types.ts';

export function experimentSuite(x: ExperimentResult): JunitSuite {
  const cases: JunitCase[] = x.cells.map((c) => {
    const time = c.runs.reduce((a, r) => a + r.durationMs, 0) / 1000;
    const name = `#${c.index + 1} ${c.label}`;
    if (c.summary.status === 'clean') return { name, classname: 'tsync-lab.experiment', time };
    const bad = c.runs.filter((r) => r.violationCount > 0 || r.crash !== null);
    const r0 = bad[0]!;
    const message = `${statusMark(c)}: ${r0.crash ?? firstLine(r0.violations[0]?.message ?? '')}`;
    const body = [
      `cell ${c.index + 1} (${c.label}): ${statusMark(c)}`,
      ...bad.flatMap((r) => [`run ${r.repeat + 1}, seed ${r.seed}: ${r.violationCount} violation(s)${r.crash ? `, crash: ${r.crash}` : ''}`, ...r.violations.map((v) => `  ${v.kind}: ${v.message.replace(/\n/g, '\n    ')}`), `  replay: ${c.replay} --seed ${r.seed}`]),
    ].join('\n');
    return { name, classname: 'tsync-lab.experiment', time, failure: { message, body } };
  });
  return {
    name: `tsync-lab experiment${x.preset ? ` --preset ${x.preset}` : ''}`,
    time: x.elapsedMs / 1000,
    properties: { command: x.command, baseSeed: x.baseSeed, repeat: x.repeat, durationMs: x.durationMs, ...(x.shard ? { shard: `${x.shard.index}/${x.shard.total}` } : {}) },
    cases,
  };
}
