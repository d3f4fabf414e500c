/**
 * SIGINT for long commands: the first ^C asks for an early, clean stop (the command
 * still prints and writes its report); a second one quits at once.
 */
export interface Interrupt {
  /** true once ^C was pressed */
  readonly requested: () => boolean;
  /** stop listening */
  dispose(): void;
}

export function onInterrupt(message: string): Interrupt {
  let requested = false;
  const handler = () => {
    if (requested) process.exit(130);
    requested = true;
    process.stderr.write(`\ninterrupted: ${message} (^C again to quit at once)\n`);
  };
  process.on('SIGINT', handler);
  return { requested: () => requested, dispose: () => process.off('SIGINT', handler) };
}
