/** `tsync-lab info`: the layout table and its footprint promises; bad flags exit 2 with one line. */
import test from 'ava';
import { Layout } from '../src/shared/layout.ts';
import { describeLayout, formatLayout } from '../src/cli/info.ts';
import { cli } from './helpers/cli.ts';

test('footprint: 32 bytes per filter node, 64 per task', (t) => {
  const info = describeLayout(new Layout());
  t.is(info.bytesPerFilterNode, 32);
  t.is(info.bytesPerTask, 64);
  const nodes = info.regions.find((r) => r.name === 'filter-nodes')!;
  t.is(nodes.recordBytes, 32);
  t.is(nodes.totalBytes, 32 * info.config.maxFilters);
  // regions are laid out in order, cache-line aligned, without overlap
  let end = 0;
  for (const r of info.regions) {
    t.true(r.offsetBytes >= end && r.offsetBytes % 64 === 0, r.name);
    end = r.offsetBytes + r.totalBytes;
  }
  t.true(end <= info.totalBytes);
  t.regex(formatLayout(info), /per filter node: 32 bytes .* per task: 64 bytes/);
});

test('info --json follows the flags', async (t) => {
  const r = await cli(['info', '--json', '--max-tasks', '100', '--workers', '4']);
  t.is(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout) as ReturnType<typeof describeLayout>;
  t.is(info.config.maxTasks, 100);
  t.is(info.regions.find((x) => x.name === 'tasks')!.records, 100);
  t.is(info.regions.find((x) => x.name === 'workers')!.records, 4);
});

for (const args of [['--workers', '0'], ['--max-tasks', 'abc'], ['--max-filters', '70000'], ['--groups'], ['--nope']]) {
  test(`info ${args.join(' ')}: exit 2, one line`, async (t) => {
    const r = await cli(['info', ...args]);
    t.is(r.code, 2);
    t.is(r.stdout, '');
    t.regex(r.stderr, /^tsync-lab: [^\n]+\n$/);
  });
}
