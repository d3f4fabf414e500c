/** JSON Schema of the concurrent scenario format (validated with ajv). */
import { OPS, FLAGS } from './types.ts';
import { ACTOR_OPS, GRADES } from './concurrent-types.ts';
import { DESIGN_NAMES } from '../seccomp/designs/index.ts';

const opFields = {
  filter: { type: 'string', minLength: 1 },
  flags: { type: 'array', items: { enum: [...FLAGS] } },
  insns: { type: 'integer' },
  child: { type: 'string', minLength: 1 },
} as const;

export const concurrentSchema = {
  type: 'object',
  required: ['threads', 'actors'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    description: { type: 'string' },
    privileged: { type: 'boolean' },
    designs: { type: 'array', minItems: 1, items: { enum: [...DESIGN_NAMES] } },
    threads: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    setup: {
      type: 'array',
      items: {
        type: 'object',
        required: ['thread', 'op'],
        additionalProperties: false,
        properties: { thread: { type: 'string', minLength: 1 }, op: { enum: [...OPS] }, ...opFields },
      },
    },
    actors: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        type: 'array',
        minItems: 1,
        items: { type: 'object', required: ['op'], additionalProperties: false, properties: { op: { enum: [...ACTOR_OPS] }, ...opFields } },
      },
    },
    outcomes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['expect'],
        additionalProperties: false,
        properties: { match: { type: 'object' }, expect: { enum: [...GRADES] }, desc: { type: 'string' } },
      },
    },
  },
} as const;
