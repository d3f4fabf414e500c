/** --json FILE: a report written atomically (the front ends write; engines only build reports). */
import { writeFileSync, renameSync } from 'node:fs';

/** Write JSON atomically: a temp file in the same folder, then rename. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, path);
}
