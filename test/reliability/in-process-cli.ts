import { Readable, Writable } from "node:stream";
import { runCli as runMain } from "../../src/cli/main.ts";
import type { CliRun } from "../helpers/cli.ts";

/**
 * The CLI's own entry (`runCli` of src/cli/main.ts: argument parsing, the command, error to exit
 * code mapping) in this process, with captured output: the same code path as `intune-gitops ...`
 * minus the Node.js start-up, so that a corpus of dozens of cases runs in a second. It cannot
 * trust an extra CA (NODE_EXTRA_CA_CERTS is read at start-up): for runs that must reach the
 * emulator, spawn the CLI (test/helpers/cli.ts).
 */
export async function runInProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        append(String(chunk));
        callback();
      },
    });
  const code = await runMain(args, {
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
    stdin: Readable.from([]),
    env: { NO_COLOR: "1", NO_PROXY: "127.0.0.1,localhost", ...env },
    cwd: process.cwd(),
    abortSignal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}
