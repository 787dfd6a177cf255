import { parseArgs } from "node:util";
import { editDistance } from "../config/suggest.ts";
import { UsageError } from "../errors.ts";
import { ExitError, exitCodeOf } from "./exit-error.ts";
import { TOOL_VERSION } from "../version.ts";
import type { Command, CommandContext, ParsedCommandLine } from "./command.ts";
import { COMMANDS } from "./commands.ts";
import { redactionWatch, withRedactedOutput } from "./redacted-output.ts";

const GENERAL_HELP = `intune-gitops ${TOOL_VERSION}: keep Intune partner settings in git.

Declare remoteAssistancePartner and deviceManagementPartner objects in YAML, review changes as a
plan on every pull request, apply them with the smallest possible PATCH, and detect drift nightly.
Objects are only ever updated in place: intune-gitops never creates or deletes one (Intune lists
the partners itself; you manage their settings).

Usage: intune-gitops <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`).join("\n")}

Options:
  -h, --help     Show help (also: intune-gitops <command> --help)
  -v, --version  Print the version

Try it on your machine, no tenant needed:
  intune-gitops demo                            # plan the examples against the bundled emulator
or, step by step, with the emulator in the background:
  eval "$(intune-gitops emulator &)"
  intune-gitops plan --config config-examples

Exit codes: 0 success (no changes), 1 error, 2 changes present (plan --detailed-exitcode).
`;

/** Runs the CLI and returns the exit code. The one place that maps errors to exit codes. */
export async function runCli(argv: readonly string[], unfiltered: CommandContext): Promise<number> {
  // Every word the CLI prints passes the secret filter, errors and stack traces included.
  const context = withRedactedOutput(unfiltered);
  const redactions = redactionWatch();
  try {
    return await dispatch(argv, context, unfiltered);
  } catch (error) {
    const exitCode = exitCodeOf(error);
    if (exitCode !== undefined && error instanceof Error) {
      context.stderr.write(`Error: ${error.message}\n`);
      if (error instanceof UsageError) context.stderr.write("Run with --help for usage.\n");
      return exitCode;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    context.stderr.write(
      `intune-gitops ${TOOL_VERSION} (Node.js ${process.version}) hit an internal error. This is a bug: please report it with the text below.\n${detail}\n`,
    );
    return 1;
  } finally {
    const notice = redactions.notice();
    if (notice !== undefined) context.stderr.write(notice);
  }
}

async function dispatch(
  argv: readonly string[],
  context: CommandContext,
  unfiltered: CommandContext,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? rest[0] : undefined;
    if (topic !== undefined) return printCommandHelp(await loadCommand(topic), context);
    context.stdout.write(GENERAL_HELP);
    return first === undefined ? 1 : 0;
  }
  if (first === "--version" || first === "-v") {
    context.stdout.write(`${TOOL_VERSION}\n`);
    return 0;
  }
  if (first.startsWith("-"))
    throw new UsageError(`unknown option ${first} (put options after the command)`);
  const command = await loadCommand(first);
  if (rest.includes("--help") || rest.includes("-h")) return printCommandHelp(command, context);
  const commandLine = parseCommandLine(command, rest);
  return command.run(commandLine, command.unfilteredOutput === true ? unfiltered : context);
}

async function loadCommand(name: string): Promise<Command> {
  const entry = COMMANDS.find((command) => command.name === name);
  if (!entry) {
    const names = COMMANDS.map((command) => command.name);
    // Within two edits: enough to catch "pln" or "aply".
    const suggestion = names.find((candidate) => editDistance(candidate, name, 2) <= 2);
    throw new UsageError(
      `unknown command "${name}"${suggestion ? `; did you mean "${suggestion}"?` : "."} Commands: ${names.join(", ")}.`,
    );
  }
  return entry.load();
}

function printCommandHelp(command: Command, context: CommandContext): number {
  context.stdout.write(command.help.endsWith("\n") ? command.help : `${command.help}\n`);
  return 0;
}

function parseCommandLine(command: Command, args: readonly string[]): ParsedCommandLine {
  const names = Object.keys(command.options);
  // `-config dir` would read as `-c onfig` plus a stray `dir`: say what was meant instead.
  for (const arg of args) {
    const single = /^-([a-z][a-z-]+)(?:=.*)?$/.exec(arg);
    if (single !== null && names.includes(single[1]!)) {
      throw new UsageError(
        `${command.name}: ${arg}: a long option takes two dashes: --${single[1]}`,
      );
    }
    if (arg === "--") break;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // node:util's parse errors are plain TypeErrors with a code; say the same in our words.
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /^Unknown option '--?([^']+)'/.exec(message)?.[1];
    // Within two edits, as for commands: enough to catch "--confg" or "--tenants".
    const suggestion =
      unknown === undefined ? undefined : names.find((name) => editDistance(name, unknown, 2) <= 2);
    throw new UsageError(
      `${command.name}: ${message.replace(/\. To specify a positional.*$/s, "")}${suggestion === undefined ? "" : `; did you mean --${suggestion}?`}`,
    );
  }
  const maxPositionals = command.maxPositionals ?? 0;
  if (parsed.positionals.length > maxPositionals) {
    const extra = parsed.positionals.slice(maxPositionals).join(" ");
    throw new UsageError(`${command.name}: unexpected argument ${extra}`);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/**
 * After the first Ctrl-C / SIGTERM, the longest the run may take to stop on its own before it is
 * ended (exit 130): under the 5 s within which the summary is promised, so that CI's SIGKILL
 * (sent some seconds after its SIGTERM) never finds the process still running.
 */
const STOP_DEADLINE_IN_MS = 4_500;

/** Entry point when run as a program: wires the real process in and sets the exit code. */
export async function main(): Promise<void> {
  const controller = new AbortController();
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = true;
    process.stderr.write(
      `\nReceived ${signal}: starting no new requests, giving those on the wire a moment, then reporting what was done. ${signal === "SIGINT" ? "Press Ctrl-C again" : "Send it again"} to quit at once.\n`,
    );
    controller.abort(new ExitError(`interrupted by ${signal}`, 130));
    // The last resort when something does not heed the signal: the process ends regardless.
    setTimeout(() => {
      process.stderr.write(
        `intune-gitops did not stop within ${STOP_DEADLINE_IN_MS / 1000} s of ${signal}: quitting now.\n`,
      );
      process.exit(130);
    }, STOP_DEADLINE_IN_MS).unref();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const exitCode = await runCli(process.argv.slice(2), {
    // Each standard stream is opened when first used: it is a file, pipe or terminal stream with
    // Node's modules for it (about 4 ms of CPU each), and `validate` reads no input and, when the
    // configuration is valid, writes no error (bench/RESULTS.md, change 17).
    get stdout() {
      return process.stdout;
    },
    get stderr() {
      return process.stderr;
    },
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
    abortSignal: controller.signal,
  });
  process.exitCode = exitCode;
  // After a signal the summary is out: end now, whatever handle (a socket, a timer of a
  // library) would keep the process up.
  if (signalled) process.exit(exitCode);
  // Long-lived commands (emulator) keep their own handles; everything else ends here.
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
}
