/**
 * `tsync-lab` entry: runs the command (src/cli/run-cli.ts) and sets the exit code.
 * Exit codes: 0 ok, 1 a finding (violations, mismatches), 2 bad input, 3 internal error.
 */
import { runCli } from './run-cli.ts';

// a closed pipe (`tsync-lab bugs | head`) is not an error: stop quietly
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
