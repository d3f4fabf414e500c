/**
 * JSON Schema of the stress report (version 1), documented in docs/stress-report.md.
 * Tests validate real reports against it with ajv.
 */
const num = { type: 'number' } as const;
const int = { type: 'integer', minimum: 0 } as const;

/** Filters added per successful caller loop (the retry section): the stress report's and the experiment's. */
export const PER_SUCCESS_SCHEMA = {
  anyOf: [
    { type: 'null' },
    {
      type: 'object',
      required: ['callerFilters', 'otherThreadFilters', 'otherThreadFiltersMax', 'otherThreads', 'composedThreads'],
      additionalProperties: false,
      properties: { callerFilters: num, otherThreadFilters: num, otherThreadFiltersMax: int, otherThreads: num, composedThreads: num },
    },
  ],
} as const;
const roleStats = {
  type: 'object',
  required: ['acquisitions', 'contended', 'contentionRate', 'spins', 'maxWaitUs'],
  properties: { acquisitions: int, contended: int, contentionRate: num, spins: int, maxWaitUs: int },
} as const;

export const violationSchema = {
  type: 'object',
  required: ['kind', 'message', 'worker', 'tasks', 'nodes'],
  properties: {
    kind: { type: 'string' },
    message: { type: 'string' },
    worker: { type: 'integer' },
    tasks: { type: 'array', items: { type: 'integer' } },
    nodes: { type: 'array', items: { type: 'integer' } },
    op: { type: 'string' },
    seed: { type: 'integer' },
    atMs: { type: 'number' },
    trace: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const stressReportSchema = {
  type: 'object',
  required: ['version', 'seed', 'config', 'durationMs', 'ops', 'opsPerSecond', 'tsync', 'locks', 'audits', 'violations', 'exitCode'],
  properties: {
    version: { const: 1 },
    seed: int,
    config: {
      type: 'object',
      required: ['design', 'bug', 'workers', 'groups', 'threads', 'mix', 'locks'],
      properties: {
        design: { type: 'string' },
        bug: { type: ['string', 'null'] },
        scope: { enum: ['siglock', 'tasklist', 'threadgroup'] },
        workers: int,
        groups: int,
        threads: { type: 'object', required: ['low', 'high'], properties: { low: int, high: int } },
        mix: { type: 'object', additionalProperties: num },
        locks: { type: 'object', additionalProperties: { type: 'string' } },
        noise: num,
        lockdep: { type: 'boolean' },
        durationMs: int,
        opsBudget: int,
        maxViolations: int,
        stopOn: { anyOf: [{ type: 'null' }, { type: 'array', items: { type: 'string' } }] },
      },
    },
    durationMs: int,
    ops: { type: 'object', additionalProperties: int },
    opsPerSecond: int,
    tsync: {
      type: 'object',
      required: ['ok', 'failed'],
      properties: { ok: int, failed: int, failedBy: { type: 'object', additionalProperties: int } },
    },
    clone: { type: 'object', properties: { ok: int, failed: int } },
    exits: int,
    groupsReplaced: int,
    locks: { type: 'object', additionalProperties: roleStats },
    audits: int,
    leakChecked: { type: 'boolean' },
    latency: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['tsync'],
          properties: { tsync: { type: 'object', required: ['count', 'p50Us', 'p90Us', 'p99Us', 'maxUs'], properties: { count: int, p50Us: num, p90Us: num, p99Us: num, maxUs: num, meanUs: num, histogram: { type: 'string' } } } },
        },
      ],
    },
    retry: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['policy', 'limit', 'diverge', 'lifetime', 'loops', 'attempts', 'attemptsPerSuccess', 'timeToSuccess', 'perSuccess', 'kill', 'divergeAttaches', 'lifetimeExits'],
          additionalProperties: false,
          properties: {
            policy: { enum: ['wait', 'kill'] },
            limit: int,
            diverge: num,
            lifetime: int,
            loops: {
              type: 'object',
              required: ['started', 'succeeded', 'gaveUp', 'gaveUpOnError', 'abandoned', 'unfinished'],
              additionalProperties: false,
              properties: { started: int, succeeded: int, gaveUp: int, gaveUpOnError: int, abandoned: int, unfinished: int },
            },
            attempts: int,
            attemptsPerSuccess: { anyOf: [{ type: 'null' }, { type: 'object', required: ['p50', 'p99', 'max', 'mean'], properties: { p50: int, p99: int, max: int, mean: num, histogram: { type: 'string' } } }] },
            timeToSuccess: { anyOf: [{ type: 'null' }, { type: 'object', required: ['count', 'p50Us', 'p90Us', 'p99Us', 'maxUs', 'meanUs', 'histogram'], properties: { count: int, p50Us: num, p90Us: num, p99Us: num, maxUs: num, meanUs: num, histogram: { type: 'string' } } }] },
            perSuccess: PER_SUCCESS_SCHEMA,
            kill: { type: 'object', required: ['marked', 'exitedAtOnce'], properties: { marked: int, exitedAtOnce: int } },
            divergeAttaches: int,
            lifetimeExits: int,
          },
        },
      ],
    },
    fairness: { type: 'object', properties: { perWorkerOps: { type: 'array', items: int }, minMaxRatio: num } },
    violations: { type: 'array', items: violationSchema },
    violationCount: int,
    firstViolationMs: { anyOf: [{ type: 'null' }, num] },
    crash: {
      anyOf: [
        { type: 'null' },
        { type: 'array', items: { type: 'object', required: ['worker', 'message', 'op'], properties: { worker: { type: 'integer' }, message: { type: 'string' }, op: { type: 'string' }, tid: { type: 'integer' }, stack: { type: 'string' } } } },
      ],
    },
    interrupted: { type: 'boolean' },
    exitCode: { enum: [0, 1, 2, 3] },
  },
} as const;
