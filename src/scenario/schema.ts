/** JSON Schema of the scenario file format (validated with ajv). */
import { OPS, FLAGS } from './types.ts';

export const scenarioSchema = {
  type: 'object',
  required: ['threads', 'steps'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    description: { type: 'string' },
    privileged: { type: 'boolean' },
    threads: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['thread', 'op'],
        additionalProperties: false,
        properties: {
          thread: { type: 'string', minLength: 1 },
          op: { enum: [...OPS] },
          filter: { type: 'string', minLength: 1 },
          flags: { type: 'array', items: { enum: [...FLAGS] } },
          insns: { type: 'integer' },
          child: { type: 'string', minLength: 1 },
        },
      },
    },
    expect: {
      type: 'object',
      additionalProperties: false,
      properties: {
        steps: { type: 'array', items: { type: 'object' } },
        threads: { type: 'object', additionalProperties: { type: 'object' } },
      },
    },
  },
} as const;
