import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CliRun {
  /** The exit code; null when the process was killed (it hung past the timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node src/cli/bin.ts <args>` (from the repository root unless `cwd` says otherwise) as a
 * user would, without colour, and
 * kills it after `timeoutMs`: a hang fails the test instead of stalling the run.
 */
export function runCli(
  args: readonly string[],
  timeoutMs = 30_000,
  cwd = REPO_ROOT,
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`${REPO_ROOT}src/cli/bin.ts`, ...args],
      {
        cwd,
        timeout: timeoutMs,
        killSignal: "SIGKILL",
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: "1", NO_PROXY: "127.0.0.1,localhost" },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export function runValidate(
  args: readonly string[],
  timeoutMs?: number,
  cwd?: string,
): Promise<CliRun> {
  return runCli(["validate", ...args], timeoutMs, cwd);
}
