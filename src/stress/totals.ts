/** The run's counters, summed over the workers' counter blocks (progress lines, the report). */
import type { Layout } from '../shared/layout.ts';
import { RUN } from './run-words.ts';
import { OP_KINDS } from '../scenario/op-kinds.ts';
import { C } from './counters.ts';
import type { Totals } from './report.ts';

/** `m`: the model's buffer (the counters); `r`: the run words (the violation count) */
export function readTotals(m: Int32Array, r: Int32Array, L: Layout, workers: number): Totals {
  const sum = (k: number) => {
    let s = 0;
    for (let w = 0; w < workers; w++) s += Atomics.load(m, L.counter(w, k));
    return s;
  };
  const ops: Record<string, number> = {};
  OP_KINDS.forEach((k, i) => (ops[k] = sum(i)));
  return {
    ops,
    total: OP_KINDS.reduce((a, _, i) => a + sum(i), 0),
    tsyncOk: sum(C.TSYNC_OK),
    tsyncFailed: { tid: sum(C.TSYNC_FAIL_TID), esrch: sum(C.TSYNC_FAIL_ESRCH), enomem: sum(C.TSYNC_FAIL_ENOMEM), eacces: sum(C.TSYNC_FAIL_EACCES), other: sum(C.TSYNC_FAIL_OTHER) },
    attachOk: sum(C.ATTACH_OK),
    attachFailed: sum(C.ATTACH_FAIL),
    syncOk: sum(C.SYNC_OK),
    syncFailed: sum(C.SYNC_FAIL),
    clones: sum(C.CLONE_OK),
    cloneFailed: sum(C.CLONE_FAIL),
    exits: sum(C.EXITS),
    groupsReplaced: sum(C.GROUPS_REPLACED),
    syscallNodes: sum(C.SYSCALL_NODES),
    violations: Atomics.load(r, RUN.VIOLATIONS),
    retry: {
      started: sum(C.RETRY_STARTED),
      succeeded: sum(C.RETRY_OK),
      gaveUp: sum(C.RETRY_GAVE_UP),
      gaveUpErrno: sum(C.RETRY_GAVE_UP_ERRNO),
      abandoned: sum(C.RETRY_ABANDONED),
      attempts: sum(C.RETRY_ATTEMPTS),
      killMarks: sum(C.RETRY_KILL_MARKS),
      killedNow: sum(C.RETRY_KILLED_NOW),
      callerAdded: sum(C.RETRY_CALLER_ADDED),
      othersAdded: sum(C.RETRY_OTHERS_ADDED),
      others: sum(C.RETRY_OTHERS),
      othersMax: Math.max(0, ...Array.from({ length: workers }, (_, w) => Atomics.load(m, L.counter(w, C.RETRY_OTHERS_MAX)))),
      composed: sum(C.RETRY_COMPOSED),
      divergeAttaches: sum(C.DIVERGE_ATTACHES),
      lifetimeExits: sum(C.LIFETIME_EXITS),
    },
  };
}
