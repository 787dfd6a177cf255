import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import {
  REPO_ROOT,
  actionCheckout,
  copyProductionDependencies,
  type ActionCheckout,
} from "../helpers/action-checkout.ts";
import { EXAMPLES, emulatorEnv } from "../helpers/cli.ts";
import { FLEET_APP, fleetConfig, fleetSeed, fleetTenantName } from "../helpers/fleet.ts";
import { readWorkflow, runJob, type JobResult } from "../helpers/workflow-runner.ts";

/**
 * The template's nightly drift workflow (template/.github/workflows/intune-gitops-drift.yml) run
 * the way GitHub runs it (helpers/workflow-runner.ts): each matrix job through the intune-gitops
 * action against the emulator, the artifacts carried between jobs, the report job's steps, and
 * then its github-script step with a recording stand-in for GitHub's API (which is not here).
 * The configurations are the examples and a generated fleet, signing in with client secrets.
 */
const WORKFLOW = join(REPO_ROOT, "template/.github/workflows/intune-gitops-drift.yml");
const ACTION = "OWNER/intune-gitops";

interface DriftReportJson {
  status: string;
  issue_action: string;
  checked_tenants: number;
  drifted_tenants: string[];
  unchecked: { tenant: string | null; shard: string | null; reasons: string[] }[];
  health_findings: number;
  body: string;
}

/** A GitHub stand-in: an issue store and the calls made, nothing more than the script uses. */
function fakeGitHub(openIssues: { number: number; body: string }[]) {
  const calls: { method: string; args: Record<string, unknown> }[] = [];
  const record = (method: string) => (args: Record<string, unknown>) => {
    calls.push({ method, args });
    return Promise.resolve({ data: method === "listForRepo" ? openIssues : {} });
  };
  const failures: string[] = [];
  let summary = "";
  const github = {
    rest: {
      issues: {
        listForRepo: record("listForRepo"),
        update: record("update"),
        create: record("create"),
        createComment: record("createComment"),
      },
    },
  };
  const core = {
    setFailed: (message: string) => failures.push(message),
    summary: {
      addRaw(text: string) {
        summary += text;
        return this;
      },
      write: () => Promise.resolve(),
    },
  };
  return { github, core, calls, failures, summary: () => summary };
}

let action: ActionCheckout;
beforeAll(() => {
  action = actionCheckout();
  copyProductionDependencies(action.dir);
}, 120_000);
afterAll(() => action.cleanup());

/** Runs the workflow's four detect jobs, its report job, then its github-script step. */
async function runDriftWorkflow(
  files: Record<string, string>,
  env: NodeJS.ProcessEnv,
  openIssues: { number: number; body: string }[],
) {
  const scratch = mkdtempSync(join(tmpdir(), "intune-gitops-drift-"));
  try {
    const workspace = join(scratch, "repository");
    const artifacts = join(scratch, "artifacts");
    mkdirSync(join(workspace, "intune"), { recursive: true });
    mkdirSync(artifacts);
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(workspace, "intune", name), text);
    }
    const workflow = readWorkflow(WORKFLOW);
    const job = (name: string, matrix: Record<string, unknown> = {}) =>
      runJob(workflow, name, {
        workspace,
        actionCheckout: action.dir,
        actionRepository: ACTION,
        artifacts,
        contexts: {
          github: {
            event_name: "schedule",
            repository: "msp/intune",
            server_url: "https://github.com",
            run_id: "1",
          },
          vars: {},
          secrets: {},
          matrix,
          inputs: {},
          runner: { os: "Linux", arch: "X64" },
        },
        env: () => ({ NO_PROXY: "127.0.0.1,localhost", ...env }),
      });
    const shards = workflow.jobs.detect?.strategy?.matrix?.shard ?? [];
    expect(shards).toEqual([1, 2, 3, 4]);
    // One after the other: the jobs share the workspace here (GitHub gives each its own).
    const detected: JobResult[] = [];
    for (const shard of shards) detected.push(await job("detect", { shard }));
    const report = await job("report");
    const failed = report.steps.filter((step) => step.outcome === "failure");
    expect(failed.map((step) => `${step.name}\n${step.log}`)).toEqual([]);

    const scriptStep = workflow.jobs.report?.steps.find((step) =>
      step.uses?.startsWith("actions/github-script@"),
    );
    const source = scriptStep?.with?.script;
    if (source === undefined) throw new Error("the report job has no github-script step");
    const fake = fakeGitHub(openIssues);
    // github-script runs its script as the body of an async function with these parameters.
    const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
      ...args: string[]
    ) => (...values: unknown[]) => Promise<void>;
    const script = new AsyncFunction("github", "context", "core", "require", source);
    const read = (path: string, encoding: "utf8") => readFileSync(join(workspace, path), encoding);
    await script(
      fake.github,
      { repo: { owner: "msp", repo: "intune" } },
      fake.core,
      (name: string) => (name === "node:fs" ? { readFileSync: read } : undefined),
    );
    const json = JSON.parse(read("report.json", "utf8")) as DriftReportJson;
    return { detected, report: json, ...fake };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const examples = () =>
  Object.fromEntries(
    ["tenants.yaml", "remote-assistance.yaml", "device-management.yaml"].map((file) => [
      file,
      readFileSync(join(EXAMPLES, file), "utf8"),
    ]),
  );

describe("the template's drift workflow, run as GitHub runs it, against the emulator", () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it("reports contoso's drift although fabrikam cannot sign in, and keeps the issue open", async () => {
    emulator = await startEmulator({ port: 0 });
    emulator.setFaults([
      {
        path: "^/3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a19/oauth2/v2.0/token$",
        fault: { kind: "status", status: 400 },
      },
    ]);
    const run = await runDriftWorkflow(examples(), emulatorEnv(emulator), [
      { number: 7, body: "old" },
    ]);
    expect(run.report.status).toBe("incomplete");
    expect(run.report.drifted_tenants).toEqual(["contoso"]);
    expect(run.report.unchecked.map((entry) => entry.tenant)).toEqual(["fabrikam"]);
    expect(run.report.body).toMatch(/Could not be checked/);
    expect(run.report.body).toMatch(/fabrikam/);
    expect(run.report.body).toMatch(/onboardingStatus/);
    // The shard holding the broken tenant is red (its log is found), the others are not.
    expect(run.detected.filter((result) => result.failed)).toHaveLength(1);
    // The open issue is updated with both, not closed; the run fails.
    expect(run.calls.map((call) => call.method)).toEqual(["listForRepo", "update"]);
    expect(run.calls[1]?.args.body).toBe(run.report.body);
    expect(run.failures).toHaveLength(1);
    expect(run.summary()).toBe(run.report.body);
  }, 240_000);

  it("closes the issue only when every tenant was checked and none drifts", async () => {
    emulator = await startEmulator({ port: 0 });
    const run = await runDriftWorkflow(
      {
        ...examples(),
        // The configuration matches the seed: contoso's objects as they are live.
        "remote-assistance.yaml": readFileSync(
          join(EXAMPLES, "remote-assistance.yaml"),
          "utf8",
        ).replace("tenants: all", "tenants: fabrikam"),
        "device-management.yaml": "",
      },
      emulatorEnv(emulator),
      [{ number: 7, body: "old" }],
    );
    expect(run.report.status).toBe("clean");
    expect(run.report.checked_tenants).toBe(2);
    expect(run.calls.map((call) => call.method)).toEqual([
      "listForRepo",
      "createComment",
      "update",
    ]);
    expect(run.calls[2]?.args.state).toBe("closed");
    expect(run.failures).toEqual([]);
    // Two tenants over four shards: the two empty shards succeeded with an empty plan.
    expect(run.detected.map((result) => result.failed)).toEqual([false, false, false, false]);
  }, 240_000);

  it("keeps the issue open with a Health section when a partner is unhealthy, though nothing drifted", async () => {
    emulator = await startEmulator({ port: 0 });
    // Only fabrikam's objects, which match the seed; its Workspace ONE last beat in March 2025.
    const workspaceOne = readFileSync(join(EXAMPLES, "device-management.yaml"), "utf8")
      .split(/^---$/m)
      .find((document) => document.includes("name: workspace-one"));
    expect(workspaceOne).toBeDefined();
    const run = await runDriftWorkflow(
      {
        ...examples(),
        "remote-assistance.yaml": readFileSync(
          join(EXAMPLES, "remote-assistance.yaml"),
          "utf8",
        ).replace("tenants: all", "tenants: fabrikam"),
        "device-management.yaml": workspaceOne ?? "",
      },
      emulatorEnv(emulator),
      [],
    );
    // Not drift, and nothing failed: but someone must look at the partner.
    expect(run.report).toMatchObject({
      status: "clean",
      issue_action: "open-or-update",
      drifted_tenants: [],
      health_findings: 1,
    });
    expect(run.calls.map((call) => call.method)).toEqual(["listForRepo", "create"]);
    const body = String(run.calls[1]?.args.body);
    expect(body).toContain("#### Health: 1 finding (read from the partners, not drift)");
    expect(body).toContain(
      "| <code>deviceManagementPartner&#91;fabrikam&#93;.workspace-one</code> | last heartbeat 2025-03-14T07&#58;05&#58;17.0000001Z,",
    );
    expect(run.failures).toEqual([]);
    expect(run.detected.map((result) => result.failed)).toEqual([false, false, false, false]);
  }, 240_000);

  it("a 400-tenant fleet, one broken and 40 drifted: lists the 40 and the broken one, grouped, under 65,536", async () => {
    const drifted = new Set(Array.from({ length: 40 }, (_, index) => index * 10 + 3));
    const broken = new Set([217]);
    const options = { count: 400, drifted, broken };
    emulator = await startEmulator({ port: 0, seed: fleetSeed(options) });
    const run = await runDriftWorkflow(
      fleetConfig(options),
      { ...emulatorEnv(emulator), FLEET_SECRET: FLEET_APP.secret },
      [],
    );
    expect(run.report.status).toBe("incomplete");
    expect(run.report.checked_tenants).toBe(400);
    expect(run.report.drifted_tenants).toEqual(
      [...drifted].sort((a, b) => a - b).map(fleetTenantName),
    );
    expect(run.report.unchecked).toEqual([
      expect.objectContaining({ tenant: fleetTenantName(217) }),
    ]);
    const body = run.report.body;
    expect(body.length).toBeLessThan(65_536);
    // The identical change is one block naming its 40 tenants, not 40 blocks.
    expect(body.match(/onboardingStatus/g)).toHaveLength(1);
    for (const tenant of run.report.drifted_tenants) expect(body).toContain(tenant);
    expect(body).toContain(fleetTenantName(217));
    expect(run.calls.map((call) => call.method)).toEqual(["listForRepo", "create"]);
  }, 300_000);
});
