/**
 * Tests that need the real kernel: where it is unavailable they are registered as
 * skipped with the reason in their titles, and one passing test logs why — never a
 * silent pass.
 */
import test from 'ava';
import { kernelAvailability } from '../../src/kernel/runner.ts';

export async function kernelGate(what: string, opts: { serial?: boolean } = {}): Promise<{ kernelTest: typeof test | typeof test.serial | typeof test.skip; why: string }> {
  const avail = await kernelAvailability();
  if (!avail.ok) {
    test(`${what} are not run here`, (t) => {
      t.log(`SKIPPED, the real kernel is unavailable: ${avail.reason}`);
      t.pass();
    });
  }
  return { kernelTest: !avail.ok ? test.skip : opts.serial ? test.serial : test, why: avail.ok ? '' : ` (skipped: ${avail.reason})` };
}
