/** `checkLock(path)`: `tsync-lab locks --check FILE --json` as a function. */
import { checkUserLock, type LockCheckReport } from '../lock-lab/check.ts';
import { asApi } from './errors.ts';

export interface CheckLockOptions {
  onProgress?: (line: string) => void;
}

/** Resolves to the report `locks --check FILE --json` writes; a bad module rejects with a TsyncLabError. */
export function checkLock(path: string, options: CheckLockOptions = {}): Promise<LockCheckReport> {
  return asApi(() => checkUserLock(path, options.onProgress ? { onProgress: options.onProgress } : {}));
}
