/**
 * Typed errors that abort a command. `cli/main.ts` has the one top-level catch: an `ExitError`
 * prints its message and exits with its code; anything else is reported as a bug.
 */

/** An expected failure the user can fix: printed without a stack trace. */
export class ExitError extends Error {
  override name = "ExitError";
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A usage mistake (unknown command or flag, bad flag value): exit code 1 with a hint. */
export class UsageError extends ExitError {
  override name = "UsageError";
}
