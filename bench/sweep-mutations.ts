/**
 * The completeness sweep's mutations of the correct code (bench/sweep.ts runs them):
 * each deletes one get, one put, one lock or one step of a list walk. `file` is under
 * src/; `find` must occur exactly once there (test/sweep.test.ts checks it).
 */
export interface Mutation {
  name: string;
  mechanism: string;
  file: string;
  find: string;
  replace: string;
  /** extra stress flags that make the mechanism run (e.g. a design) */
  flags?: string[];
}

export const MUTATIONS: Mutation[] = [
  { name: 'attach: no filter_count++', mechanism: 'attach', file: 'seccomp/attach.ts', find: '  setFilterCount(ctx, t, filterCountOf(ctx, t) + 1);\n', replace: '' },
  { name: 'attach: no siglock', mechanism: 'attach', file: 'seccomp/attach.ts', find: 'return ctx.lock(ctx.L.siglock(groupOf(ctx, t)), () => {\n    if (pathTooLong', replace: 'return ((f: () => OpResult) => f())(() => {\n    if (pathTooLong' },
  { name: 'TSYNC: sync step without get', mechanism: 'TSYNC', file: 'seccomp/tsync.ts', find: '  getFilter(ctx, head, tid);\n', replace: '' },
  { name: 'TSYNC: sync step without put', mechanism: 'TSYNC', file: 'seccomp/tsync.ts', find: '  putFilter(ctx, headLocked(ctx, t), tid);\n', replace: '' },
  { name: 'TSYNC: sync walk skips a thread', mechanism: 'TSYNC', file: 'seccomp/tsync.ts', find: '    if (exitingLocked(ctx, t)) continue; // its release may have run\n', replace: '    if (exitingLocked(ctx, t)) continue; // its release may have run\n    if (n === 1) continue;\n' },
  { name: 'TSYNC: can_sync walk skips a thread', mechanism: 'TSYNC', file: 'seccomp/tsync.ts', find: '    if (!eligible(ctx, t, callerHead)) return tidOf(ctx, t);', replace: '    if (n !== 1 && !eligible(ctx, t, callerHead)) return tidOf(ctx, t);' },
  { name: 'TSYNC: no siglock (cred_guard only)', mechanism: 'TSYNC', file: 'seccomp/process.ts', find: 'tsyncScope(ctx, g, () => ctx.lock(ctx.L.siglock(g), fn))', replace: 'tsyncScope(ctx, g, fn)' },
  { name: 'TSYNC: no cred_guard_mutex', mechanism: 'TSYNC', file: 'seccomp/process.ts', find: 'return ctx.lock(ctx.L.credGuard(g), () => tsyncScope(', replace: 'return ((f: () => T) => f())(() => tsyncScope(' },
  { name: 'clone: copy without get', mechanism: 'clone', file: 'seccomp/clone.ts', find: '  getFilter(ctx, head, tidOf(ctx, parent)); // ref-count the new filter user\n', replace: '' },
  { name: 'clone: no siglock around copy and link', mechanism: 'clone', file: 'seccomp/clone.ts', find: '      ctx.lock(ctx.L.siglock(g), () => {\n        ctx.ops.copySeccomp', replace: '      ((f: () => void) => f())(() => {\n        ctx.ops.copySeccomp' },
  { name: 'clone: no filter_count copy', mechanism: 'clone', file: 'seccomp/clone.ts', find: '  setFilterCount(ctx, child, filterCountOf(ctx, parent));\n', replace: '' },
  { name: 'exit: release without put', mechanism: 'exit', file: 'seccomp/exit.ts', find: '  putFilter(ctx, orig, tid);\n', replace: '' },
  { name: 'exit: PF_EXITING without siglock', mechanism: 'exit', file: 'seccomp/exit.ts', find: '  ctx.lock(ctx.L.siglock(g), () => markExiting(ctx, g, t));', replace: '  markExiting(ctx, g, t);' },
  { name: 'exit: unlink leaves next.prev stale', mechanism: 'exit', file: 'seccomp/task.ts', find: '  else s.store(taskAt(ctx, next) + TASK.PREVT, prev);\n', replace: '' },
  { name: 'put: a freed node does not release its parent', mechanism: 'filter refcount', file: 'seccomp/filter.ts', find: '      freeNode(ctx, h);\n      h = prev;\n', replace: '      freeNode(ctx, h);\n      h = 0;\n' },
  { name: 'syscall walk: stops one node early', mechanism: 'syscall walk', file: 'seccomp/syscall.ts', find: '    h = prev;\n', replace: '    h = prev === 0 ? 0 : nodePrev(ctx, prev) === 0 ? 0 : prev;\n' },
  { name: 'lock kind: ttas slow path stores without CAS', mechanism: 'lock kinds', file: 'locks/ttas.ts', find: '      if (Atomics.compareExchange(m, s, 0, me) === 0) break;\n', replace: '      Atomics.store(m, s, me);\n      break;\n' },
];
