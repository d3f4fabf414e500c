/**
 * A temporary folder for a test file or one test, removed when it is done: the suite
 * used to leave about two dozen folders in the system's temp dir on every run.
 */
import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `mkdtemp` under the system's temp dir. With `t`, removed when that test ends (pass or
 * fail); without, when every test of the file has run: then call it while the file
 * registers its tests (at module level), as ava allows hooks only then.
 */
export function tmpFolder(prefix: string, t?: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  if (t) t.teardown(remove);
  else test.after.always(remove);
  return dir;
}
