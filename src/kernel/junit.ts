/** `diff` (model vs kernel) as a JUnit suite: one testcase per scenario; a difference is a failure. */
import { firstLine, type JunitCase, type JunitSuite } from '../shared/junit.ts';

/** One scenario of `diff` (and so of `npm run conformance`). */
export interface DiffEntry {
  file: string;
  name: string;
  status: 'identical' | 'different' | 'not_runnable';
  differences: string[];
  reason?: string;
}

export function diffSuite(entries: DiffEntry[], meta: { design: string; kernel: string }): JunitSuite {
  return {
    name: 'tsync-lab diff',
    properties: { design: meta.design, kernel: meta.kernel },
    cases: entries.map((e): JunitCase => {
      const base = { name: `${e.name} (${e.file})`, classname: 'tsync-lab.diff' };
      if (e.status === 'not_runnable') return { ...base, skipped: e.reason ?? 'not runnable on the kernel' };
      if (e.status === 'identical') return base;
      return {
        ...base,
        failure: {
          message: `${e.differences.length} difference(s) between the model (design ${meta.design}) and Linux ${meta.kernel}: ${firstLine(e.differences[0] ?? '')}`,
          body: `scenario ${e.name} (${e.file}): model (design ${meta.design}) vs kernel (Linux ${meta.kernel})\n${e.differences.map((d) => `  ${d}`).join('\n')}\n`,
        },
      };
    }),
  };
}
