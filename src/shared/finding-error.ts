/**
 * A finding that ends a command early (exit 1, one report line), not a lab fault:
 * e.g. a user's lock that never returns under the controlled scheduler, which has no
 * way to go on once an actor is stuck inside the user's code.
 */
export class FindingError extends Error {
  override readonly name = 'FindingError';
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}
