/**
 * The line protocol between the TypeScript side and the C helper (helper.c,
 * mode `scenario`): names become indices on the way in, and the helper's lines
 * become the lab's Result on the way out.
 *
 * In:   scenario <threads> <initial> <privileged 0|1> <steps>
 *       nnp T | attach T FLAGS INSNS | clone T CHILD | exit T      (one line per step)
 * Out:  tid T TID                 a thread started (kernel tid)
 *       step I ok | step I err ERRNO | step I tsync T TID
 *       state T tid=.. seccomp=.. filters=.. nnp=.. chain=ID,ID,..   (live threads, at the end)
 *       done | unrunnable REASON | fatal REASON
 * Threads are indexed initial threads first, then clone children in step
 * order; node ids are attach ordinals, 1-based.
 */
import { FLAG_BITS, type Errno, type Result, type Scenario, type StepResult, type ThreadState } from '../scenario/types.ts';
import { NotRunnableOnKernel } from './errors.ts';

const ERRNOS: readonly Errno[] = ['EINVAL', 'EACCES', 'ENOMEM', 'ESRCH', 'EAGAIN'];

/** Scenario thread names in helper index order. */
export function threadNames(s: Scenario): string[] {
  const names = [...s.threads];
  for (const st of s.steps) if (st.op === 'clone' && st.child !== undefined) names.push(st.child);
  return names;
}

/** Labels of the filter nodes, by node id (index 0 unused). */
function nodeLabels(s: Scenario): string[] {
  const labels = [''];
  for (const st of s.steps) if (st.op === 'attach') labels.push(st.filter ?? '');
  return labels;
}

/** The helper's stdin for a scenario. Throws NotRunnableOnKernel for what has no kernel equivalent. */
export function encodeScenario(s: Scenario): string {
  const names = threadNames(s);
  const index = new Map(names.map((n, i) => [n, i]));
  const idx = (n: string | undefined): number => {
    const i = n === undefined ? undefined : index.get(n);
    if (i === undefined) throw new Error(`protocol: unknown thread ${String(n)} (the parser should have caught it)`);
    return i;
  };
  const lines = [`scenario ${names.length} ${s.threads.length} ${s.privileged ? 1 : 0} ${s.steps.length}`];
  s.steps.forEach((st, i) => {
    const t = idx(st.thread);
    switch (st.op) {
      case 'set_nnp':
        lines.push(`nnp ${t}`);
        break;
      case 'attach': {
        const flags = (st.flags ?? []).reduce((acc, f) => acc | FLAG_BITS[f], 0);
        // Out-of-range lengths are passed on: the helper submits a program of that
        // classic length (empty if <= 0) and the kernel answers EINVAL itself.
        const insns = Math.max(-1, Math.min(st.insns ?? 1, 1 << 20));
        lines.push(`attach ${t} ${flags} ${insns}`);
        break;
      }
      case 'clone':
        lines.push(`clone ${t} ${idx(st.child)}`);
        break;
      case 'exit':
        lines.push(`exit ${t}`);
        break;
      case 'sync':
        throw new NotRunnableOnKernel(
          s.name,
          `step ${i + 1} is a "sync" op (the separate-sync design); Linux has no such call, only attach with TSYNC`,
        );
    }
  });
  return lines.join('\n') + '\n';
}

/** What the helper said, decoded. */
export interface HelperRun {
  result: Result;
  /** kernel tid of every thread that started, by name */
  tids: Record<string, number>;
}

/** Turn the helper's output into a Result. Throws on anything malformed (an internal error). */
export function decodeOutput(s: Scenario, out: string): HelperRun {
  const names = threadNames(s);
  const labels = nodeLabels(s);
  const steps: (StepResult | undefined)[] = new Array<StepResult | undefined>(s.steps.length);
  const threads: Record<string, ThreadState> = {};
  const tids: Record<string, number> = {};
  let done = false;
  const name = (t: string): string => {
    const n = names[Number(t)];
    if (n === undefined) throw new Error(`kernel helper: bad thread index ${t}`);
    return n;
  };
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const [kind, ...w] = line.split(' ');
    switch (kind) {
      case 'tid':
        tids[name(w[0]!)] = Number(w[1]);
        break;
      case 'step': {
        const i = Number(w[0]);
        if (w[1] === 'ok') steps[i] = { result: 'ok' };
        else if (w[1] === 'tsync') steps[i] = { result: 'tsync_failed', thread: name(w[2]!) };
        else if (w[1] === 'err' && (ERRNOS as readonly string[]).includes(w[2]!)) steps[i] = { result: 'error', errno: w[2] as Errno };
        else throw new Error(`kernel helper: step ${i + 1} failed with ${w.slice(1).join(' ')}, which the result format cannot express`);
        break;
      }
      case 'state': {
        const f = Object.fromEntries(w.slice(1).map((kv) => kv.split('=') as [string, string]));
        const chain = f['chain'] ? f['chain'].split(',').map((id) => labels[Number(id)] ?? `#${id}`) : [];
        const seccomp = Number(f['seccomp']);
        if (seccomp !== 0 && seccomp !== 2) throw new Error(`kernel helper: thread ${name(w[0]!)} in seccomp mode ${seccomp}`);
        threads[name(w[0]!)] = { alive: true, mode: seccomp === 2 ? 'filter' : 'disabled', nnp: f['nnp'] === '1', filters: chain };
        break;
      }
      case 'done':
        done = true;
        break;
      case 'unrunnable':
        throw new NotRunnableOnKernel(s.name, w.join(' '));
      case 'fatal':
        throw new Error(`kernel helper: ${w.join(' ')}`);
      default:
        throw new Error(`kernel helper: unexpected line "${line}"`);
    }
  }
  if (!done) throw new Error(`kernel helper: output ended early:\n${out}`);
  const missing = steps.findIndex((r) => r === undefined);
  if (missing >= 0 || steps.length !== s.steps.length) throw new Error(`kernel helper: no result for step ${missing + 1}`);
  // Threads the helper did not report must be exactly the ones that ran `exit`.
  const exited = new Set(s.steps.filter((st) => st.op === 'exit').map((st) => st.thread));
  const ordered: Record<string, ThreadState> = {};
  for (const n of names) {
    const t = threads[n];
    if ((t === undefined) !== exited.has(n)) throw new Error(`kernel helper: thread ${n} ${t ? 'reported although it exited' : 'never reported'}`);
    ordered[n] = t ?? { alive: false };
  }
  return { result: { steps: steps as StepResult[], threads: ordered }, tids };
}
