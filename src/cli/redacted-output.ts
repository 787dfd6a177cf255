import { Writable } from "node:stream";
import { REDACTED, redact, redactionsSoFar } from "../redact.ts";
import type { CommandContext } from "./command.ts";

type Output = CommandContext["stdout"];

/**
 * The last net under every message: stdout and stderr pass each write through `redact`, so no
 * output path (a renderer, a debug line, an error, a library's message) can print a registered
 * secret or token. Data that is escaped or truncated before it is printed is redacted before
 * that too (`redactPlan`): this filter sees whole writes, and the tool never splits a value
 * across two writes.
 */
export function redactedOutput(target: () => Output): Output {
  const filtered: Output = new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _encoding, callback) {
      // Straight through and done at once: nothing is ever queued here, so what was written is
      // in the target even if the process exits on the next line (a second Ctrl-C).
      target().write(redact(String(chunk)));
      callback();
    },
  });
  // The target is asked for at the first write, not before (see `withRedactedOutput`).
  Object.defineProperty(filtered, "isTTY", { get: () => target().isTTY, enumerable: true });
  Object.defineProperty(filtered, TARGET, { value: target });
  return filtered;
}

/** Where a filtered output writes to (`redactedOutput`'s target). */
const TARGET = Symbol("redacted output's target");

/**
 * How much may wait in the stream's queue before `writePieces` waits for it to empty. A pipe
 * takes what its reader reads: a plan written in one go sat in the queue whole (3 MB of text
 * for 2,000 tenants, and the bytes Node encodes it into).
 */
const QUEUED_LIMIT = 256 * 1024;

/**
 * Writes the pieces one after another, each straight through (and through the filter, one piece
 * at a time: the pieces must not cut a value), and lets the stream's queue empty whenever more
 * than QUEUED_LIMIT waits in it, so that a large output is never held whole. Waits for nothing
 * when the stream writes at once (a file, a terminal) or is gone (closed).
 */
export async function writePieces(output: Output, pieces: Iterable<string>): Promise<void> {
  const destination = (): Output => {
    const target = (output as { [TARGET]?: () => Output })[TARGET];
    return target === undefined ? output : target();
  };
  for (const piece of pieces) {
    output.write(piece);
    const stream = destination() as Partial<Writable>;
    // Only when the stream itself asks for a pause (`writableNeedDrain`): then it emits 'drain'.
    // One whose high-water mark is above the limit emits none, and waiting for it would hang.
    if (
      (stream.writableLength ?? 0) > QUEUED_LIMIT &&
      stream.writableNeedDrain === true &&
      stream.destroyed !== true
    )
      await emptied(stream as Writable);
  }
}

/** When the stream has written everything queued ('drain'), or has closed. */
function emptied(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}

/**
 * The context with filtered stdout and stderr; the input and everything else as they were. Not a
 * spread of `context`: that would read every stream, and main.ts opens a standard stream only
 * when it is used.
 */
export function withRedactedOutput(context: CommandContext): CommandContext {
  return {
    stdout: redactedOutput(() => context.stdout),
    stderr: redactedOutput(() => context.stderr),
    get stdin() {
      return context.stdin;
    },
    env: context.env,
    cwd: context.cwd,
    abortSignal: context.abortSignal,
  };
}

/**
 * Counts the replacements made while a command runs, so that it can say once, at the end, that
 * its output was cut: a reader who sees `[redacted]` in a URL should know why, and that the
 * server sent a credential back. The count is process-wide: commands run one at a time.
 */
export function redactionWatch(): { readonly notice: () => string | undefined } {
  const before = redactionsSoFar();
  return {
    notice: () => {
      const count = redactionsSoFar() - before;
      if (count === 0) return undefined;
      return `Note: ${count} secret${count === 1 ? "" : "s"} or token${count === 1 ? "" : "s"} found in what this run printed or saved ${count === 1 ? "was" : "were"} replaced by ${REDACTED}. A value Graph sent back that holds a credential is shown and saved that way: look at the server, not at this tool's output.\n`;
    },
  };
}
