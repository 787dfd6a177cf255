import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "yaml";
import { runAction, runStep, type ActionStep } from "./action-checkout.ts";
import { interpolate, shouldRun, type Context } from "./workflow-expressions.ts";

/**
 * Runs a GitHub workflow's job on this machine, step by step, as the runner would, except for
 * what needs GitHub itself:
 * - `run:` steps: bash with the workflow's, job's and step's `env:`, `${{ }}` filled in, and
 *   $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY and $GITHUB_PATH honoured;
 * - the intune-gitops action (`uses: <actionRepository>@...`): its own steps, from `checkout`;
 * - upload-artifact / download-artifact: files copied to and from a folder per artifact, with
 *   upload-artifact's rule that hidden files are left out unless `include-hidden-files: true`;
 * - actions/checkout: nothing (the workspace is the repository already);
 * - actions/github-script: not run (GitHub's API is not here; workflows.test.ts compiles them).
 */
export type WorkflowStep = ActionStep;
export interface WorkflowJob {
  environment?: string;
  /** The job's condition (runJob does not check it: a test asks shouldRun). */
  if?: string;
  strategy?: { matrix?: Record<string, unknown[]> };
  permissions?: Record<string, string>;
  needs?: string | string[];
  env?: Record<string, string>;
  steps: WorkflowStep[];
}
export interface Workflow {
  env?: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

export function readWorkflow(path: string): Workflow {
  return parse(readFileSync(path, "utf8")) as Workflow;
}

export interface JobOptions {
  /** The repository's working tree. */
  readonly workspace: string;
  /** The intune-gitops action's checkout (see action-checkout.ts). */
  readonly actionCheckout: string;
  /** `owner/name` the workflow's `uses:` names the action by. */
  readonly actionRepository: string;
  /** Where artifacts live between jobs: one folder per artifact. */
  readonly artifacts: string;
  /** `github`, `vars`, `matrix`, ... contexts (`env` and `steps` are the runner's). */
  readonly contexts: Context;
  /** The runner's variables: the emulator's, the OIDC endpoint's (given the job's subject). */
  readonly env: (job: WorkflowJob) => NodeJS.ProcessEnv;
}

export interface StepResult {
  readonly name: string;
  /** "success", "failure", "skipped" (its `if:` was false) or "github-api" (not run here). */
  readonly outcome: string;
  readonly outputs: Record<string, string>;
  readonly log: string;
}
export interface JobResult {
  readonly failed: boolean;
  readonly steps: readonly StepResult[];
  readonly summary: string;
}

export async function runJob(
  workflow: Workflow,
  jobName: string,
  options: JobOptions,
): Promise<JobResult> {
  const job = workflow.jobs[jobName];
  if (job === undefined) throw new Error(`no job ${jobName}`);
  const steps: Record<string, { outputs: Record<string, string>; outcome: string }> = {};
  const base = { ...options.contexts, steps };
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...workflow.env, ...job.env })) {
    env[name] = interpolate(String(value), { ...base, env });
  }
  const context = { ...base, env };
  const summaryFile = join(options.artifacts, `..`, `summary-${jobName}-${Date.now()}.md`);
  writeFileSync(summaryFile, "");
  const extraPaths: string[] = [];
  const status = { failed: false };
  const results: StepResult[] = [];

  for (const [index, step] of job.steps.entries()) {
    const name = step.name ?? step.uses ?? step.run?.split("\n")[0] ?? `step ${index + 1}`;
    if (!shouldRun(step.if, context, status)) {
      results.push({ name, outcome: "skipped", outputs: {}, log: "" });
      continue;
    }
    const stepEnv = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([key, value]) => [
        key,
        interpolate(String(value), context),
      ]),
    );
    const inputs = Object.fromEntries(
      Object.entries(step.with ?? {}).map(([key, value]) => [
        key,
        interpolate(String(value), context),
      ]),
    );
    const runnerEnv: NodeJS.ProcessEnv = {
      ...options.env(job),
      ...env,
      ...stepEnv,
      GITHUB_STEP_SUMMARY: summaryFile,
      PATH: [...extraPaths, process.env.PATH].join(":"),
    };
    let outcome = "success";
    let outputs: Record<string, string> = {};
    let log = "";
    const uses = step.uses?.split("@")[0];
    if (uses === options.actionRepository) {
      const run = await runAction(options.actionCheckout, inputs, {
        cwd: options.workspace,
        env: runnerEnv,
      });
      outputs = run.outputs;
      extraPaths.unshift(...run.paths);
      log = run.stdout + run.stderr;
      if (run.code !== 0) outcome = "failure";
    } else if (uses === "actions/checkout") {
      // The workspace is the checked-out repository already.
    } else if (uses === "actions/upload-artifact") {
      outcome = upload(inputs, options) ? "success" : "failure";
    } else if (uses === "actions/download-artifact") {
      download(inputs, options);
    } else if (uses === "actions/github-script") {
      outcome = "github-api";
    } else if (step.run !== undefined) {
      const run = await runStep(interpolate(step.run, context), {
        cwd: options.workspace,
        env: runnerEnv,
        timeoutMs: 300_000,
      });
      outputs = run.outputs;
      extraPaths.unshift(...run.paths);
      log = run.stdout + run.stderr;
      if (run.code !== 0) outcome = "failure";
    } else {
      throw new Error(`the test runner does not know the step ${JSON.stringify(step)}`);
    }
    if (outcome === "failure") status.failed = true;
    if (step.id !== undefined) steps[step.id] = { outputs, outcome };
    results.push({ name, outcome, outputs, log });
  }
  return { failed: status.failed, steps: results, summary: readFileSync(summaryFile, "utf8") };
}

/** upload-artifact: each listed file into the artifact's folder; false when none was found. */
function upload(inputs: Record<string, string>, options: JobOptions): boolean {
  const name = inputs.name ?? "artifact";
  const hiddenAllowed = inputs["include-hidden-files"] === "true";
  const files = (inputs.path ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .filter(
      (path) =>
        hiddenAllowed ||
        !path.split("/").some((part) => part.startsWith(".") && part !== "." && part !== ".."),
    )
    .filter((path) => existsSync(join(options.workspace, path)));
  if (files.length === 0) return inputs["if-no-files-found"] !== "error";
  const folder = join(options.artifacts, name);
  mkdirSync(folder, { recursive: true });
  for (const file of files) cpSync(join(options.workspace, file), join(folder, basename(file)));
  return true;
}

/** download-artifact: one artifact into `path`, or each matching `pattern` into `path/<name>`. */
function download(inputs: Record<string, string>, options: JobOptions): void {
  const target = join(options.workspace, inputs.path ?? ".");
  if (inputs.pattern !== undefined) {
    const prefix = inputs.pattern.replace(/\*$/, "");
    for (const name of readdirSync(options.artifacts).filter((entry) => entry.startsWith(prefix))) {
      cpSync(join(options.artifacts, name), join(target, name), { recursive: true });
    }
    return;
  }
  const name = inputs.name ?? "artifact";
  if (!existsSync(join(options.artifacts, name))) throw new Error(`no artifact ${name}`);
  cpSync(join(options.artifacts, name), target, { recursive: true });
}
