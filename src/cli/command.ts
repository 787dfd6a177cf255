import type { ParseArgsConfig } from "node:util";

/** What a command may touch of the outside world; tests pass their own. */
export interface CommandContext {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Aborted on Ctrl-C / SIGTERM: stop starting new work, finish what is in flight. */
  readonly abortSignal: AbortSignal;
}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface ParsedCommandLine {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
}

/**
 * One CLI command. A command file exports `command`; `main.ts` loads it only when it runs, so
 * `validate` never pays for `@azure/identity`.
 */
export interface Command {
  readonly name: string;
  /** The full `--help` text: usage, what it does, options, examples. */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig["options"]>;
  /** How many positional arguments it takes at most (default 0). */
  readonly maxPositionals?: number;
  /**
   * Output goes to the real streams, not through the secret filter: only for the emulator, which
   * prints its own demo secret on purpose (for `eval`) and whose caller checks that stdout is the
   * process's own.
   */
  readonly unfilteredOutput?: true;
  /** Returns the exit code. Throws `ExitError` for expected failures. */
  run(commandLine: ParsedCommandLine, context: CommandContext): Promise<number>;
}
