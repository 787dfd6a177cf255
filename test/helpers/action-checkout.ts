import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { interpolate, shouldRun } from "./workflow-expressions.ts";

/**
 * The GitHub Action as a workflow runs it: a copy of this repository's files the way GitHub
 * checks out `uses: OWNER/intune-gitops@SHA` (no node_modules, no dist/), and its bash scripts
 * (action/*.sh) run with the variables the runner sets.
 */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface ActionCheckout {
  readonly dir: string;
  cleanup(): void;
}

/** Copies the repository's files (tracked or new, not ignored): what a checkout holds. */
export function actionCheckout(): ActionCheckout {
  const dir = mkdtempSync(join(tmpdir(), "intune-gitops-action-"));
  const files = execFileSync(
    "git",
    ["ls-files", "--cached", "--others", "--exclude-standard", "-z"],
    { cwd: REPO_ROOT, encoding: "utf8" },
  )
    .split("\0")
    .filter((file) => file !== "" && existsSync(join(REPO_ROOT, file)));
  for (const file of files) cpSync(join(REPO_ROOT, file), join(dir, file));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The production dependencies `npm ci --omit=dev` would install, copied from this repository's
 * node_modules by the lockfile (the same hoisted layout): for tests that need the installed
 * action without paying for npm again. The action test runs the real `action/install.sh`.
 */
export function copyProductionDependencies(dir: string): void {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean }>;
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith("node_modules/") || entry.dev === true) continue;
    cpSync(join(REPO_ROOT, path), join(dir, path), { recursive: true });
  }
}

export interface ScriptRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** What the script wrote to $GITHUB_OUTPUT. */
  readonly outputs: Record<string, string>;
  /** What it wrote to $GITHUB_PATH: folders to put on PATH for the job's later steps. */
  readonly paths: readonly string[];
}

/**
 * Runs a `run:` script as GitHub's runner does (`bash --noprofile --norc -eo pipefail FILE`), in
 * `cwd` (the workspace), with $GITHUB_OUTPUT (read back into `outputs`) and the given variables
 * on top of a minimal environment. Asynchronous, so an emulator in this process keeps serving.
 */
export function runStep(
  script: string,
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<ScriptRun> {
  const scratch = mkdtempSync(join(tmpdir(), "intune-gitops-step-"));
  const outputFile = join(scratch, "github-output");
  const pathFile = join(scratch, "github-path");
  const scriptFile = join(scratch, "step.sh");
  writeFileSync(outputFile, "");
  writeFileSync(pathFile, "");
  writeFileSync(scriptFile, script);
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptFile], {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NO_PROXY: "127.0.0.1,localhost",
        NO_COLOR: "1",
        GITHUB_OUTPUT: outputFile,
        GITHUB_PATH: pathFile,
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`a step did not finish in time:\n${script}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const outputs = Object.fromEntries(
        readFileSync(outputFile, "utf8")
          .split("\n")
          .filter((line) => line.includes("="))
          .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
      );
      const paths = readFileSync(pathFile, "utf8").split("\n").filter(Boolean);
      rmSync(scratch, { recursive: true, force: true });
      resolve({ code, stdout, stderr, outputs, paths });
    });
  });
}

/** A step of a composite action or of a workflow job: the same keys in both. */
export interface ActionStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
export interface ActionDefinition {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export function readActionDefinition(dir = REPO_ROOT): ActionDefinition {
  return parse(readFileSync(join(dir, "action.yml"), "utf8")) as ActionDefinition;
}

export interface ActionRun {
  /** 0 when every step passed, else the failing step's exit code. */
  readonly code: number | null;
  readonly outputs: Record<string, string>;
  readonly stdout: string;
  readonly stderr: string;
  /** The names of the steps that ran, in order. */
  readonly steps: readonly string[];
  /** The key the cache step was given. */
  readonly cacheKey?: string;
  /** Folders the action put on PATH for the job's later steps. */
  readonly paths: readonly string[];
}

/**
 * Runs the composite action in `checkout` as the runner would: each step's `if:`, its `run:`
 * script with `${{ }}` filled in, its `env:`, and the action's outputs from the steps'. The two
 * `uses:` steps are the runner's own business: setup-node must not be needed here (this Node.js
 * runs the sources), and the cache counts as restored when node_modules is already there.
 */
export async function runAction(
  checkout: string,
  inputs: Record<string, string>,
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<ActionRun> {
  const action = readActionDefinition(checkout);
  const given = Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [
      name,
      inputs[name] ?? input.default ?? "",
    ]),
  );
  for (const name of Object.keys(inputs)) {
    if (!(name in action.inputs)) throw new Error(`the action has no input ${name}`);
  }
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const context = {
    inputs: given,
    github: { action_path: checkout, workspace: options.cwd },
    runner: { os: "Linux", arch: "X64" },
    steps,
  };
  const status = { failed: false };
  const ran: string[] = [];
  let stdout = "";
  let stderr = "";
  let code: number | null = 0;
  let cacheKey: string | undefined;
  const paths: string[] = [];
  for (const step of action.runs.steps) {
    if (!shouldRun(step.if, context, status)) continue;
    ran.push(interpolate(step.name ?? step.uses ?? "", context));
    let outputs: Record<string, string>;
    if (step.uses?.startsWith("actions/setup-node@")) {
      throw new Error("the action wants to set up Node.js: this Node.js cannot run the sources");
    } else if (step.uses?.startsWith("actions/cache@")) {
      cacheKey = interpolate(step.with?.key ?? "", context);
      outputs = { "cache-hit": String(existsSync(join(checkout, "node_modules"))) };
    } else if (step.run !== undefined) {
      const env = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([name, value]) => [name, interpolate(value, context)]),
      );
      const run = await runStep(interpolate(step.run, context), {
        cwd: options.cwd,
        env: { ...options.env, GITHUB_ACTION_PATH: checkout, ...env },
        timeoutMs: 300_000,
      });
      stdout += run.stdout;
      stderr += run.stderr;
      outputs = run.outputs;
      paths.push(...run.paths);
      if (run.code !== 0) {
        status.failed = true;
        code = run.code;
      }
    } else {
      throw new Error(`unexpected step in action.yml: ${JSON.stringify(step)}`);
    }
    if (step.id !== undefined) steps[step.id] = { outputs };
    // A failed step ends a composite action.
    if (status.failed) break;
  }
  const outputs = Object.fromEntries(
    Object.entries(action.outputs).map(([name, output]) => [
      name,
      interpolate(output.value, context),
    ]),
  );
  return {
    code,
    outputs,
    stdout,
    stderr,
    steps: ran,
    paths,
    ...(cacheKey === undefined ? {} : { cacheKey }),
  };
}
