/**
 * JSON Schema of the experiment file (`experiment --json FILE`, version 1),
 * documented in docs/experiment.md; the tests validate real output with ajv.
 * Objects with fixed fields are closed (additionalProperties: false); maps
 * (coords, byAxis, locks, per-kind rates) and the stress report's config keep
 * that schema's rules.
 */
import { PER_SUCCESS_SCHEMA, stressReportSchema } from '../stress/report-schema.ts';
import { AXIS_NAMES } from './axes.ts';

const num = { type: 'number' } as const;
const int = { type: 'integer', minimum: 0 } as const;
const str = { type: 'string' } as const;
const stat = { type: 'object', required: ['median', 'min', 'max'], additionalProperties: false, properties: { median: num, min: num, max: num } } as const;
const statMap = { type: 'object', additionalProperties: stat } as const;

const latency = {
  anyOf: [
    { type: 'null' },
    {
      type: 'object',
      required: ['count', 'p50Us', 'p90Us', 'p99Us', 'maxUs', 'meanUs', 'histogram'],
      additionalProperties: false,
      properties: { count: int, p50Us: num, p90Us: num, p99Us: num, maxUs: num, meanUs: num, histogram: str },
    },
  ],
} as const;

const retryLoops = {
  type: 'object',
  required: ['started', 'succeeded', 'gaveUp', 'gaveUpOnError', 'abandoned', 'unfinished'],
  additionalProperties: false,
  properties: { started: int, succeeded: int, gaveUp: int, gaveUpOnError: int, abandoned: int, unfinished: int },
} as const;
const perSuccess = PER_SUCCESS_SCHEMA;
const runRetry = {
  anyOf: [
    { type: 'null' },
    {
      type: 'object',
      required: ['policy', 'loops', 'attempts', 'attemptsHistogram', 'timeToSuccess', 'perSuccess'],
      additionalProperties: false,
      properties: { policy: { enum: ['wait', 'kill'] }, loops: retryLoops, attempts: int, attemptsHistogram: { type: ['string', 'null'] }, timeToSuccess: latency, perSuccess },
    },
  ],
} as const;
const cellRetry = {
  type: 'object',
  required: ['canFail', 'loops', 'giveUpRate', 'attemptsPerSuccess', 'timeToSuccess', 'perSuccess'],
  additionalProperties: false,
  properties: {
    canFail: { type: 'boolean' },
    loops: retryLoops,
    giveUpRate: { type: 'number', minimum: 0, maximum: 1 },
    attemptsPerSuccess: { anyOf: [{ type: 'null' }, { type: 'object', required: ['p50', 'p99', 'max', 'mean'], additionalProperties: false, properties: { p50: int, p99: int, max: int, mean: num } }] },
    timeToSuccess: latency,
    perSuccess,
  },
} as const;

const run = {
  type: 'object',
  required: ['repeat', 'seed', 'durationMs', 'opsPerSecond', 'opsPerSecondByKind', 'tsync', 'latency', 'locks', 'fairness', 'violationCount', 'violations', 'crash', 'exitCode', 'otherCpu'],
  additionalProperties: false,
  properties: {
    repeat: int,
    seed: int,
    durationMs: int,
    opsPerSecond: int,
    opsPerSecondByKind: { type: 'object', additionalProperties: int },
    tsync: { type: 'object', required: ['ok', 'failed'], additionalProperties: false, properties: { ok: int, failed: int } },
    latency,
    locks: {
      type: 'object',
      additionalProperties: { type: 'object', required: ['acquisitions', 'contended', 'contentionRate', 'maxWaitUs'], properties: { acquisitions: int, contended: int, contentionRate: { type: 'number', minimum: 0, maximum: 1 }, maxWaitUs: int } },
    },
    fairness: { type: 'object', required: ['perWorkerOps', 'minMaxRatio'], properties: { perWorkerOps: { type: 'array', items: int }, minMaxRatio: num } },
    violationCount: int,
    violations: { type: 'array', items: { type: 'object', required: ['kind', 'message'], additionalProperties: false, properties: { kind: str, message: str } } },
    crash: { type: ['string', 'null'] },
    exitCode: { enum: [0, 1, 3] },
    otherCpu: { anyOf: [{ type: 'null' }, { type: 'number', minimum: 0, maximum: 1 }] },
    retry: runRetry,
  },
} as const;

const cell = {
  type: 'object',
  required: ['index', 'label', 'coords', 'config', 'replay', 'runs', 'summary'],
  additionalProperties: false,
  properties: {
    index: int,
    label: str,
    coords: { type: 'object', additionalProperties: str },
    // the stress report's `config` (docs/stress-report.md)
    config: stressReportSchema.properties.config,
    replay: { type: 'string', pattern: '^npx tsync-lab stress ' },
    runs: { type: 'array', minItems: 1, items: run },
    summary: {
      type: 'object',
      required: ['status', 'opsPerSecond', 'opsPerSecondByKind', 'latency', 'locks', 'fairness', 'violationCount', 'violationKinds'],
      additionalProperties: false,
      properties: {
        status: { enum: ['clean', 'violations', 'crashed'] },
        opsPerSecond: stat,
        opsPerSecondByKind: statMap,
        latency,
        locks: { type: 'object', additionalProperties: { type: 'object', required: ['contentionRate', 'maxWaitUs'], properties: { contentionRate: stat, maxWaitUs: int } } },
        fairness: { type: 'object', required: ['minMaxRatio'], properties: { minMaxRatio: stat } },
        violationCount: int,
        violationKinds: { type: 'array', items: str },
        retry: cellRetry,
      },
    },
  },
} as const;

const axisRow = {
  type: 'object',
  required: ['value', 'cells', 'runs', 'opsPerSecond', 'tsyncPerSecond', 'tsyncP99Us', 'contentionRate', 'violationCount'],
  additionalProperties: false,
  properties: {
    value: str,
    cells: int,
    runs: int,
    opsPerSecond: stat,
    tsyncPerSecond: stat,
    tsyncP99Us: { anyOf: [{ type: 'null' }, stat] },
    contentionRate: statMap,
    violationCount: int,
  },
} as const;

export const experimentSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'tsync-lab experiment result',
  type: 'object',
  required: ['version', 'createdAt', 'command', 'preset', 'baseSeed', 'repeat', 'durationMs', 'host', 'axes', 'cells', 'byAxis', 'elapsedMs', 'interrupted', 'exitCode'],
  additionalProperties: false,
  properties: {
    version: { const: 1 },
    createdAt: { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\dT' },
    command: str,
    preset: { type: ['string', 'null'] },
    baseSeed: int,
    repeat: { type: 'integer', minimum: 1 },
    durationMs: int,
    host: { type: 'object', required: ['cpus', 'node', 'platform', 'arch'], additionalProperties: false, properties: { cpus: int, node: str, platform: str, arch: str } },
    axes: {
      type: 'array',
      items: { type: 'object', required: ['name', 'values'], additionalProperties: false, properties: { name: { enum: [...AXIS_NAMES] }, values: { type: 'array', minItems: 1, items: str } } },
    },
    cells: { type: 'array', items: cell },
    byAxis: { type: 'object', additionalProperties: { type: 'array', items: axisRow } },
    elapsedMs: int,
    interrupted: { type: 'boolean' },
    exitCode: { enum: [0, 1, 3] },
    shard: {
      type: 'object',
      required: ['index', 'total', 'cells', 'plannedCells', 'matrix'],
      additionalProperties: false,
      properties: { index: { type: 'integer', minimum: 1 }, total: { type: 'integer', minimum: 1 }, cells: { type: 'array', items: int }, plannedCells: int, matrix: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
    },
  },
} as const;
