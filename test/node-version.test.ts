/**
 * Which Node runs the suite. scripts/with-node.sh sets TSYNC_LAB_EXPECT_NODE to the
 * version it put first on PATH; then this file (an ava child process) and the `node`
 * that PATH gives to `#!/usr/bin/env node` scripts (npm, npx, tsc) must both be it.
 * Without the variable (plain `npm test`), it names the version and passes.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const expected = process.env['TSYNC_LAB_EXPECT_NODE'];

test('the suite runs on the node it was asked for', async (t) => {
  t.log(`suite node: ${process.version} (${process.execPath})`);
  const { stdout } = await promisify(execFile)('node', ['-p', 'process.version + " " + process.execPath'], { timeout: 300_000 });
  const [pathVersion = '', pathNode = ''] = stdout.trim().split(' ');
  t.log(`PATH's node: ${pathVersion} (${pathNode})`);
  if (expected === undefined) return t.pass();
  t.is(process.version, expected, 'the ava worker runs another node than scripts/with-node.sh chose');
  t.is(pathVersion, expected, "PATH's node is another node than scripts/with-node.sh chose");
});
