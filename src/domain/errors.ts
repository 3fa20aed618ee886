// The one error type the domain throws for bad input: a stable code plus a sentence naming the thing.

/** Bad input (a tag name, a version, a config value): the caller's mistake, reported, never retried. */
export class InputError extends Error {
  override readonly name = "InputError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
