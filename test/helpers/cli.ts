import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../src/emulator/index.ts";

/** The CLI from source, as a user runs it: a child process with its own environment. */
export const CLI = fileURLToPath(new URL("../../src/cli/bin.ts", import.meta.url));
export const EXAMPLES = fileURLToPath(new URL("../../config-examples/", import.meta.url));
/** The repository root, with a trailing slash. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** What `eval "$(intune-gitops emulator)"` puts in a shell, for the default seed's demo app. */
export function emulatorEnv(emulator: Emulator): NodeJS.ProcessEnv {
  return {
    INTUNE_GITOPS_GRAPH_URL: emulator.url,
    AZURE_AUTHORITY_HOST: emulator.url,
    NODE_EXTRA_CA_CERTS: emulator.caFile,
    AZURE_CLIENT_ID: emulator.demoApp.clientId,
    AZURE_CLIENT_SECRET: emulator.demoApp.secret ?? "",
  };
}

/**
 * Runs `intune-gitops ...args` and collects its output. The environment is minimal and
 * explicit (no proxy, no colour unless asked) so tests do not depend on the machine's.
 */
export function runCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NO_PROXY: "127.0.0.1,localhost",
        NO_COLOR: "1",
        ...options.env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`intune-gitops ${args.join(" ")} did not finish in time\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/**
 * One emulator for a test file (default seed unless `options` say otherwise), started before
 * its tests, reset before each (objects, request log, faults) and closed after. Call it inside
 * `describe`; the returned function gives the running emulator.
 */
export function useEmulator(options: EmulatorOptions = {}): () => Emulator {
  let current: Emulator | undefined;
  beforeAll(async () => {
    current = await startEmulator({ port: 0, ...options });
  });
  afterAll(async () => {
    await current?.close();
  });
  beforeEach(() => {
    current!.reset();
    current!.setFaults([]);
  });
  return () => {
    if (current === undefined) throw new Error("useEmulator: the emulator is not running");
    return current;
  };
}

/** `intune-gitops validate ...args`, from the repository root unless `cwd` says otherwise. */
export function runValidate(
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  return runCli(["validate", ...args], { cwd: REPO_ROOT, ...options });
}
