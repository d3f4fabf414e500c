/**
 * The CLI property (issue 13, part 4), shared by test/cli-property.test.ts (a few
 * hundred cases) and `npm run fuzz:cli` (10,000 and more): every generated command
 * line exits 0, 1 or 2 (2 for any bad flag), with one line of error, never a stack
 * trace, never a hang past `hangMs`. Runs in-process, one command at a time.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliCaseArb, contractBroken, materialize, type CliCase } from './cli-cases.ts';
import { runInProcess } from './cli-inproc.ts';

export interface CliPropertyOutcome {
  runs: number;
  byCommand: Record<string, number>;
  byExit: Record<string, number>;
  /** seconds spent per command */
  secondsByCommand: Record<string, number>;
  /** fast-check's report of the first (shrunk) failure, or null */
  failure: string | null;
  elapsedMs: number;
}

export async function checkCli(o: { runs: number; seed: number; hangMs?: number; maxTimeMs?: number; onProgress?: (done: number) => void }): Promise<CliPropertyOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'tsync-cli-fuzz-'));
  const byCommand: Record<string, number> = {};
  const byExit: Record<string, number> = {};
  const secondsByCommand: Record<string, number> = {};
  let n = 0;
  let counted = 0;
  const t0 = performance.now();
  try {
    const details = await fc.check(
      fc.asyncProperty(cliCaseArb, async (c: CliCase) => {
        const argv = materialize(c, dir, n++);
        const r = await runInProcess(argv, o.hangMs ?? 120_000);
        if (r === 'hang') throw new Error(`no answer after ${o.hangMs ?? 120_000} ms: tsync-lab ${argv.join(' ')}`);
        const broken = contractBroken(c, r);
        if (broken) throw new Error(`${broken}: tsync-lab ${argv.join(' ').slice(0, 400)} -> exit ${r.code}\nstdout: ${r.stdout.slice(0, 800)}\nstderr: ${r.stderr.slice(0, 1500)}`);
        if (counted < o.runs) {
          counted++;
          byCommand[c.command] = (byCommand[c.command] ?? 0) + 1;
          byExit[String(r.code)] = (byExit[String(r.code)] ?? 0) + 1;
          secondsByCommand[c.command] = Math.round(((secondsByCommand[c.command] ?? 0) + r.ms / 1000) * 10) / 10;
          o.onProgress?.(counted);
        }
        return true;
      }),
      { numRuns: o.runs, seed: o.seed, endOnFailure: true, ...(o.maxTimeMs ? { interruptAfterTimeLimit: o.maxTimeMs, markInterruptAsFailure: false } : {}) },
    );
    const failure = details.failed
      ? `${fc.defaultReportMessage(details) ?? 'failed'}\n${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance ?? '')}`
      : null;
    return { runs: counted, byCommand, byExit, secondsByCommand, failure, elapsedMs: performance.now() - t0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
