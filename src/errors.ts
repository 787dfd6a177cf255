/**
 * Typed errors that abort a command. The stages below `cli/` throw these without an exit code:
 * only `cli/` decides exit codes (`cli/main.ts` has the one top-level catch: a `UserError`
 * prints its message and exits 1, a `cli/exit-error.ts` `ExitError` with its own code; anything
 * else is reported as a bug).
 */

/** An expected failure the user can fix: printed without a stack trace. */
export class UserError extends Error {
  override name = "UserError";
}

/** A usage mistake (unknown command or flag, bad flag value): printed with a hint. */
export class UsageError extends UserError {
  override name = "UsageError";
}
