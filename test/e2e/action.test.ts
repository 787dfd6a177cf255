import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  REPO_ROOT,
  actionCheckout,
  readActionDefinition,
  runAction,
  runStep,
  type ActionCheckout,
} from "../helpers/action-checkout.ts";
import { EXAMPLES, emulatorEnv, useEmulator } from "../helpers/cli.ts";
import { tempConfig, type TempConfig } from "../helpers/config-dir.ts";

/**
 * The GitHub Action (action.yml at the repository root), run step by step as the runner runs a
 * composite action: from a copy of the repository's files, installing the production
 * dependencies with its own script (npm, offline from the cache `npm ci` filled), against the
 * emulator.
 */
describe("action.yml", () => {
  const action = readActionDefinition();

  it("pins every action it uses to a full commit SHA and runs only scripts it ships", () => {
    for (const step of action.runs.steps) {
      if (step.uses !== undefined) {
        expect(step.uses, step.name).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      }
      for (const script of (step.run ?? "").matchAll(/\$GITHUB_ACTION_PATH\/([\w./-]+)/g)) {
        expect(existsSync(join(REPO_ROOT, script[1]!)), script[1]).toBe(true);
      }
    }
    expect(action.runs.using).toBe("composite");
  });

  it("passes every input to its script and declares every output the script writes", () => {
    const run = action.runs.steps.find((step) => step.id === "run")!;
    for (const input of Object.keys(action.inputs)) {
      const variable = `INPUT_${input.toUpperCase().replaceAll("-", "_")}`;
      expect(run.env?.[variable], variable).toBe(`\${{ inputs.${input} }}`);
    }
    const script = readFileSync(join(REPO_ROOT, "action/run.sh"), "utf8");
    const written = new Set([...script.matchAll(/set_output ([a-z-]+)/g)].map((m) => m[1]!));
    expect([...written].sort()).toEqual(Object.keys(action.outputs).sort());
    for (const [name, output] of Object.entries(action.outputs)) {
      expect(output.value, name).toBe(`\${{ steps.run.outputs.${name} }}`);
    }
  });
});

describe("the action, run as a composite action against the emulator", { timeout: 120_000 }, () => {
  const emulator = useEmulator();
  let checkout: ActionCheckout;
  let workspace: TempConfig;
  let first: Awaited<ReturnType<typeof runAction>>;
  const env = () => ({
    ...emulatorEnv(emulator()),
    GITHUB_STEP_SUMMARY: join(workspace.dir, "summary.md"),
  });

  beforeAll(async () => {
    checkout = actionCheckout();
    workspace = tempConfig();
    mkdirSync(join(workspace.dir, "intune"));
    for (const file of ["tenants.yaml", "remote-assistance.yaml", "device-management.yaml"]) {
      writeFileSync(join(workspace.dir, "intune", file), readFileSync(join(EXAMPLES, file)));
    }
    writeFileSync(join(workspace.dir, "summary.md"), "");
    // The first run installs the dependencies (the cache is empty): npm, from its cache only.
    first = await runAction(
      checkout.dir,
      { command: "validate", config: "intune" },
      { cwd: workspace.dir, env: { npm_config_offline: "true" } },
    );
  }, 300_000);
  // Removing node_modules can take a while on a busy machine.
  afterAll(() => {
    checkout.cleanup();
    workspace.cleanup();
  }, 120_000);

  it("installs only the production dependencies, exactly from the lockfile, without building", () => {
    expect(first.stderr).not.toMatch(/ENOTCACHED|npm error/);
    expect(first.steps).toEqual([
      "Check Node.js and the lockfile",
      "Restore the production dependencies",
      "Install the production dependencies from the lockfile",
      "Run intune-gitops validate",
    ]);
    const lock = readFileSync(join(REPO_ROOT, "package-lock.json"));
    expect(first.cacheKey).toBe(
      `intune-gitops-Linux-X64-${createHash("sha256").update(lock).digest("hex")}`,
    );
    const installed = readdirSync(join(checkout.dir, "node_modules"));
    expect(installed).toEqual(expect.arrayContaining(["zod", "yaml", "@azure"]));
    for (const dev of ["vitest", "typescript", "rolldown", "eslint", "prettier"]) {
      expect(installed, dev).not.toContain(dev);
    }
    expect(existsSync(join(checkout.dir, "dist"))).toBe(false);
    expect(first.code).toBe(0);
    expect(first.outputs).toMatchObject({ "exit-code": "0", errors: "0", changes: "0" });
  });

  it("plan: the plan file, its Markdown, the job summary and the counts; changes pass", async () => {
    const run = await runAction(
      checkout.dir,
      { command: "plan", config: "intune" },
      { cwd: workspace.dir, env: env() },
    );
    // The cache now holds node_modules: no second install.
    expect(run.steps).not.toContain("Install the production dependencies from the lockfile");
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs).toEqual({
      "exit-code": "2",
      changes: "2",
      errors: "0",
      "plan-file": ".intune-gitops/plan.json",
      "markdown-file": ".intune-gitops/plan.md",
      "json-file": ".intune-gitops/plan-result.json",
      "report-file": ".intune-gitops/plan.txt",
    });
    expect(run.stdout).toContain("Plan: 2 to change, 2 unchanged.");
    const markdown = readFileSync(join(workspace.dir, ".intune-gitops/plan.md"), "utf8");
    expect(markdown).toContain("<!-- intune-gitops-plan -->");
    expect(markdown).toContain("2 to change");
    expect(readFileSync(join(workspace.dir, "summary.md"), "utf8")).toBe(markdown);
  });

  it("apply: executes the saved plan and counts what it changed", async () => {
    const planned = await runAction(
      checkout.dir,
      { command: "plan", config: "intune", "job-summary": "false" },
      { cwd: workspace.dir, env: env() },
    );
    expect(planned.outputs.changes).toBe("2");
    const run = await runAction(
      checkout.dir,
      { command: "apply", config: "intune", "plan-file": planned.outputs["plan-file"]! },
      { cwd: workspace.dir, env: env() },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.outputs).toMatchObject({ "exit-code": "0", changes: "2", errors: "0" });
    expect(run.stderr).toContain(
      "remoteAssistancePartner[contoso].teamviewer: updated onboardingStatus",
    );
    const again = await runAction(
      checkout.dir,
      { command: "plan", config: "intune", tenant: "contoso fabrikam", format: "json" },
      { cwd: workspace.dir, env: env() },
    );
    expect(again.outputs).toMatchObject({ "exit-code": "0", changes: "0", errors: "0" });
    expect(JSON.parse(again.stdout)).toMatchObject({ summary: { to_change: 0, unchanged: 4 } });
  });

  it("setup (and every command) puts intune-gitops on PATH for the job's later steps", async () => {
    const setup = await runAction(checkout.dir, { command: "setup" }, { cwd: workspace.dir });
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.outputs["exit-code"]).toBe("0");
    expect(setup.paths).toHaveLength(1);
    const later = await runStep("intune-gitops --version\nintune-gitops show --help | head -1", {
      cwd: workspace.dir,
      env: { PATH: `${setup.paths[0]}:${process.env.PATH}` },
    });
    expect(later.code, later.stderr).toBe(0);
    expect(later.stdout).toBe(
      `${JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).version}\nUsage: intune-gitops show PLANFILE [--format text|markdown|json]\n`,
    );
  });

  it("fails the step on errors, with the outputs written: a broken configuration, no plan-file", async () => {
    const broken = tempConfig({ fromExamples: true });
    try {
      broken.write("broken.yaml", "apiVersion: intune-gitops/v1\nkind: Tenant\nmetadata: {}\n");
      const run = await runAction(
        checkout.dir,
        { command: "plan", config: broken.dir },
        { cwd: workspace.dir, env: env() },
      );
      expect(run.code).toBe(1);
      expect(run.outputs).toMatchObject({ "exit-code": "1", changes: "0", "plan-file": "" });
      expect(Number(run.outputs.errors)).toBeGreaterThanOrEqual(2);
    } finally {
      broken.cleanup();
    }
    const refused = await runAction(
      checkout.dir,
      { command: "apply", config: "intune" },
      { cwd: workspace.dir, env: env() },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "apply needs plan-file (a reviewed plan saved by the plan command) or auto-approve: 'true'",
    );
  });
});
