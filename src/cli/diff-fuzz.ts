/**
 * `tsync-lab diff --fuzz N`: differential fuzzing of the model against the real
 * kernel (src/kernel/fuzz.ts). Prints a difference as a scenario file ready to
 * save under test/scenarios/, with both results side by side.
 */
import { UsageError } from '../shared/usage-error.ts';
import { randomSeed } from '../shared/rng.ts';
import { kernelAvailability } from '../kernel/runner.ts';
import { fuzz, type FuzzDifference } from '../kernel/fuzz.ts';
import type { StepResult } from '../scenario/types.ts';
import { formatScenarioFile } from '../scenario/format.ts';
import type { BugName } from '../seccomp/bug.ts';
import { intFlag, timeoutFlag } from '../shared/flags.ts';

export interface FuzzFlags {
  fuzz: string;
  seed?: string | undefined;
  'max-steps'?: string | undefined;
  design: string;
  bug?: string | undefined;
  json: boolean;
  timeout?: string | undefined;
}

export const DEFAULT_MAX_STEPS = 12;

function showStep(r: StepResult | undefined): string {
  if (!r) return '-';
  return r.result === 'ok' ? 'ok' : r.result === 'error' ? `error ${r.errno}` : `tsync_failed ${r.thread}`;
}

/** The two results next to each other, the differing rows marked with `!`. */
export function sideBySide(d: FuzzDifference): string[] {
  const s = d.scenario;
  const rows: [string, string, string][] = s.steps.map((st, i) => {
    const what = st.op === 'attach' ? `attach ${st.filter}${st.flags?.length ? ` [${st.flags.join(',')}]` : ''}${st.insns !== undefined ? ` insns=${st.insns}` : ''}` : st.op === 'clone' ? `clone -> ${st.child}` : st.op;
    return [`${String(i + 1).padStart(2)}. ${st.thread} ${what}`, showStep(d.model.steps[i]), showStep(d.kernel.steps[i])];
  });
  const thread = (t: FuzzDifference['model']['threads'][string] | undefined) =>
    !t ? '-' : !t.alive ? 'exited' : `${t.mode} nnp=${t.nnp ? 1 : 0} [${t.filters.join(',')}]`;
  for (const n of Object.keys(d.kernel.threads)) rows.push([`    ${n}`, thread(d.model.threads[n]), thread(d.kernel.threads[n])]);
  const w0 = Math.max(4, ...rows.map((r) => r[0].length));
  const w1 = Math.max(5, ...rows.map((r) => r[1].length));
  return [
    `   ${'step'.padEnd(w0)}  ${'model'.padEnd(w1)}  kernel`,
    ...rows.map((r) => `${r[1] === r[2] ? ' ' : '!'}  ${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`),
  ];
}

export async function runFuzz(v: FuzzFlags, design: string, bug: BugName | undefined): Promise<number> {
  const runs = intFlag('fuzz', v.fuzz, 0, 1, 10_000_000);
  const seed = intFlag('seed', v.seed, randomSeed(), 0, 0x7fffffff);
  const maxSteps = intFlag('max-steps', v['max-steps'], DEFAULT_MAX_STEPS, 1, 1000);
  const timeoutMs = timeoutFlag(v.timeout);
  const err = (line: string) => process.stderr.write(line + '\n');
  const avail = await kernelAvailability();
  if (!avail.ok) {
    err(`tsync-lab: diff --fuzz skipped: the real kernel cannot run scenarios here: ${avail.reason}`);
    return 2;
  }
  if (!v.json) process.stdout.write(`diff --fuzz ${runs} --seed ${seed} --max-steps ${maxSteps}: model (design ${design}${bug ? `, bug ${bug}` : ''}) vs Linux ${avail.release}\n`);
  else err(`diff --fuzz ${runs}: seed ${seed}`);
  let last = performance.now();
  const t0 = last;
  const out = await fuzz({
    runs,
    seed,
    maxSteps,
    design,
    ...(bug ? { bug } : {}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    onProgress: (done) => {
      const now = performance.now();
      if (now - last < 2000) return;
      last = now;
      err(`  ${done}/${runs} scenarios, ${Math.round(done / ((now - t0) / 1000))}/s`);
    },
    onShrink: (steps) => err(`  shrinking: still differs with ${steps} step(s)`),
  });
  const r = out.report;
  if (v.json) {
    process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    return r.differences.length ? 1 : 0;
  }
  const rate = r.runs / (out.elapsedMs / 1000);
  const skipped = out.notRunnable ? `; ${out.notRunnable} drawn and skipped (not runnable on the kernel)` : '';
  r.differences.forEach((d, i) => {
    process.stdout.write(
      [
        `XX difference after ${r.runs} scenario(s), shrunk to ${d.scenario.steps.length} step(s):`,
        ...out.lines[i]!.map((l) => `     ${l}`),
        '',
        ...sideBySide(d),
        '',
        `scenario file (save as test/scenarios/${d.scenario.name}.json once the side at fault is fixed):`,
        formatScenarioFile(d.scenario),
      ].join('\n'),
    );
  });
  process.stdout.write(
    `${r.identical}/${r.runs} identical (seed ${seed}, model design ${design} vs Linux ${out.kernel || avail.release})${skipped}; ` +
      `${(out.elapsedMs / 1000).toFixed(1)} s, ${rate.toFixed(0)} scenarios/s\n`,
  );
  if (!r.differences.length && r.runs < runs) throw new UsageError(`diff --fuzz: only ${r.runs} of ${runs} scenarios were runnable`);
  return r.differences.length ? 1 : 0;
}
