/**
 * The lab's own faults (exit 3). The CLI prints one line naming a log file that
 * holds everything else: the stack, the command line and any `detail` (e.g. the
 * kernel helper's whole output). With TSYNC_LAB_DEBUG=1 the stack is printed too.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An internal error that carries a long detail for the log, not for the terminal. */
export class InternalError extends Error {
  override readonly name: string = 'InternalError';
  constructor(
    message: string,
    readonly detail = '',
  ) {
    super(message);
  }
}

/** The folder internal-error logs go to: $TSYNC_LAB_LOG_DIR, else the OS temp folder. */
export function logDir(): string {
  return process.env['TSYNC_LAB_LOG_DIR'] || tmpdir();
}

/** Whether the stack trace goes to the terminal too (TSYNC_LAB_DEBUG=1). */
export function debugEnabled(): boolean {
  const v = process.env['TSYNC_LAB_DEBUG'];
  return v !== undefined && v !== '' && v !== '0';
}

/**
 * Write the full log of an internal error (atomically: a temporary file renamed)
 * and return its path, or undefined if no log could be written.
 */
export function writeInternalLog(e: unknown, argv: string[]): string | undefined {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const path = join(logDir(), `tsync-lab-internal-${stamp}-${process.pid}.log`);
  const parts = [
    `tsync-lab internal error, ${new Date().toISOString()}`,
    `command: tsync-lab ${argv.join(' ')}`,
    `node ${process.version} ${process.platform}-${process.arch}, cwd ${process.cwd()}`,
    '',
    e instanceof Error ? (e.stack ?? e.message) : String(e),
  ];
  if (e instanceof InternalError && e.detail) parts.push('', '--- detail ---', e.detail);
  try {
    writeFileSync(`${path}.tmp`, parts.join('\n') + '\n');
    renameSync(`${path}.tmp`, path);
    return path;
  } catch {
    return undefined;
  }
}

/** The one line printed for an internal error. */
export function internalErrorLine(e: unknown, logPath: string | undefined): string {
  const first = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim() || 'unknown error';
  const where = logPath ? `full log: ${logPath}` : 'no log could be written';
  return `tsync-lab: internal error: ${first} (${where}; TSYNC_LAB_DEBUG=1 prints the stack)`;
}
