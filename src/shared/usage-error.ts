/** Bad user input: commands print the message as one line and exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
