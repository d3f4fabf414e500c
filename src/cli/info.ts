/**
 * `tsync-lab info`: the shared-memory layout for a configuration, so anyone can
 * check the footprint (a filter node must be 32 bytes, a task 64).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_LAYOUT, Layout, NODE, TASK, WORD, type LayoutConfig } from '../shared/layout.ts';
import { textTable } from '../shared/table.ts';
import { intFlag } from '../shared/flags.ts';

export const help = `usage: tsync-lab info [--max-tasks N] [--max-filters N] [--groups N] [--workers N] [--json]

Prints the lab's SharedArrayBuffer layout for a configuration: each region's
offset, record size, record count and total size, and the bytes per filter node
and per task.

  --max-tasks N     task slots (1..65535, default ${DEFAULT_LAYOUT.maxTasks})
  --max-filters N   filter-node arena slots (1..65535, default ${DEFAULT_LAYOUT.maxFilters})
  --groups N        thread groups (1..4096, default ${DEFAULT_LAYOUT.groups})
  --workers N       worker threads (1..256, default ${DEFAULT_LAYOUT.workers})
  --json            print the layout as JSON

exit: 0 ok, 2 bad input

example:
  npx tsync-lab info --workers 4
`;

export interface RegionInfo {
  name: string;
  offsetBytes: number;
  recordBytes: number;
  records: number;
  totalBytes: number;
}

export interface LayoutInfo {
  config: LayoutConfig;
  regions: RegionInfo[];
  totalBytes: number;
  bytesPerFilterNode: number;
  bytesPerTask: number;
}

export function describeLayout(layout: Layout): LayoutInfo {
  return {
    config: layout.cfg,
    regions: layout.regions.map((r) => ({
      name: r.name,
      offsetBytes: r.offset * WORD,
      recordBytes: r.recordWords * WORD,
      records: r.records,
      totalBytes: r.words * WORD,
    })),
    totalBytes: layout.bytes,
    bytesPerFilterNode: NODE.SIZE * WORD,
    bytesPerTask: TASK.SIZE * WORD,
  };
}

export function formatLayout(info: LayoutInfo): string {
  const c = info.config;
  const rows = info.regions.map((r) => [r.name, r.offsetBytes, r.recordBytes, r.records, r.totalBytes].map(String));
  const columns = [{ header: 'region' }, ...['offset B', 'record B', 'records', 'total B'].map((header) => ({ header, right: true }))];
  return [
    `layout: maxTasks ${c.maxTasks}, maxFilters ${c.maxFilters}, groups ${c.groups}, workers ${c.workers}, ringSize ${c.ringSize}, extraLocks ${c.extraLocks}, scratchWords ${c.scratchWords}`,
    textTable(columns, rows, '').trimEnd(),
    `total: ${info.totalBytes} bytes (${(info.totalBytes / 1024).toFixed(1)} KiB)`,
    `per filter node: ${info.bytesPerFilterNode} bytes (goal <= 32); per task: ${info.bytesPerTask} bytes (goal <= 64)`,
  ].join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'max-tasks': { type: 'string' },
      'max-filters': { type: 'string' },
      groups: { type: 'string' },
      workers: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const layout = new Layout({
    maxTasks: intFlag('max-tasks', values['max-tasks'], DEFAULT_LAYOUT.maxTasks, 1, 65535),
    maxFilters: intFlag('max-filters', values['max-filters'], DEFAULT_LAYOUT.maxFilters, 1, 65535),
    groups: intFlag('groups', values.groups, DEFAULT_LAYOUT.groups, 1, 4096),
    workers: intFlag('workers', values.workers, DEFAULT_LAYOUT.workers, 1, 256),
  });
  const info = describeLayout(layout);
  process.stdout.write(values.json ? JSON.stringify(info, null, 2) + '\n' : formatLayout(info));
  return 0;
}
