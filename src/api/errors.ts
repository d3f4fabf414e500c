/**
 * The library's typed error: bad options reject with a TsyncLabError whose
 * message is the line the CLI prints for the same flags (without the
 * `tsync-lab: ` prefix), and `exitCode` is what the CLI would exit with (2).
 */
import { UsageError } from '../shared/usage-error.ts';

export class TsyncLabError extends Error {
  override readonly name = 'TsyncLabError';
  /** the CLI's exit code for this error: 2, bad input */
  readonly exitCode = 2;
}

/** The CLI's one line for a usage error (src/cli/main.ts), or null if `e` is not one. */
export function usageLine(e: unknown): string | null {
  if (e instanceof UsageError) return e.message;
  if (e instanceof Error && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) return `${e.message.replace(/\. To specify a positional argument.*$/s, '')} (see --help)`;
  return null;
}

/** Run `f`; usage errors become TsyncLabErrors, anything else is passed on as is. */
export async function asApi<T>(f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const line = usageLine(e);
    if (line !== null) throw new TsyncLabError(line, { cause: e });
    throw e;
  }
}
