import { UserError } from "../errors.ts";

/**
 * An expected failure with the exit code the CLI chose for it (130 after Ctrl-C, 1 otherwise).
 * Only `cli/` throws it: the stages below throw a `UserError` and leave the code to the CLI.
 */
export class ExitError extends UserError {
  override name = "ExitError";
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** The exit code for an error that ended a command: undefined when it is a bug, not the user's. */
export function exitCodeOf(error: unknown): number | undefined {
  if (error instanceof ExitError) return error.exitCode;
  if (error instanceof UserError) return 1;
  return undefined;
}
