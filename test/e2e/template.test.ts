import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  loadSeed,
  startEmulator,
  type Emulator,
  type EmulatorSeed,
} from "../../src/emulator/index.ts";
import {
  REPO_ROOT,
  actionCheckout,
  copyProductionDependencies,
  type ActionCheckout,
} from "../helpers/action-checkout.ts";
import {
  GITHUB_ISSUER,
  startGitHubOidcIssuer,
  type GitHubOidcIssuer,
} from "../helpers/github-oidc-issuer.ts";
import { shouldRun } from "../helpers/workflow-expressions.ts";
import {
  readWorkflow,
  runJob,
  type JobOptions,
  type JobResult,
  type WorkflowJob,
} from "../helpers/workflow-runner.ts";

/**
 * The configuration-repository template (template/), copied into a fresh git repository and run
 * as GitHub would run its three workflows, with everything GitHub provides played by the test:
 * the runner's OIDC token endpoint (a token per job, with the job's subject), the artifacts
 * between runs, the variables. The intune-gitops action runs its own scripts; the tenants are the
 * emulator's, and the two apps sign in only with the federated credential docs/authentication.md
 * lists for their workflow. Only the github-script steps (GitHub's API) do not run here.
 */
const TEMPLATE = join(REPO_ROOT, "template");
const WORKFLOWS = join(TEMPLATE, ".github/workflows");
const REPOSITORY = "contoso/intune-config";
const ACTION = "OWNER/intune-gitops";
const READ_APP = "a11ce5ed-0000-4000-8000-00000000000a";
const WRITE_APP = "b0b0b0b0-0000-4000-8000-00000000000b";
const SUBJECTS = {
  pullRequest: `repo:${REPOSITORY}:pull_request`,
  main: `repo:${REPOSITORY}:ref:refs/heads/main`,
  production: `repo:${REPOSITORY}:environment:intune-production`,
};

let emulator: Emulator;
let issuer: GitHubOidcIssuer;
let action: ActionCheckout;
let scratch: string;
let workspace: string;
let artifacts: string;

/** Runs one job of a template workflow for `event`, as the runner would. */
function job(
  file: string,
  name: string,
  event: string,
  matrix: Record<string, unknown> = {},
  inputs: Record<string, string> = {},
): Promise<JobResult> {
  const options: JobOptions = {
    workspace,
    actionCheckout: action.dir,
    actionRepository: ACTION,
    artifacts,
    contexts: {
      github: {
        event_name: event,
        repository: REPOSITORY,
        server_url: "https://github.com",
        run_id: "4242",
        token: "",
        event: { pull_request: { number: 7 } },
      },
      vars: { INTUNE_GITOPS_READ_CLIENT_ID: READ_APP, INTUNE_GITOPS_WRITE_CLIENT_ID: WRITE_APP },
      secrets: {},
      matrix,
      inputs,
      runner: { os: "Linux", arch: "X64" },
    },
    env: (definition: WorkflowJob) => ({
      INTUNE_GITOPS_GRAPH_URL: emulator.url,
      AZURE_AUTHORITY_HOST: emulator.url,
      NODE_EXTRA_CA_CERTS: emulator.caFile,
      // GitHub hands out an ID token only to jobs with id-token: write, for the job's subject.
      ...(definition.permissions?.["id-token"] === "write"
        ? issuer.envFor(
            definition.environment !== undefined
              ? `repo:${REPOSITORY}:environment:${definition.environment}`
              : event === "pull_request"
                ? SUBJECTS.pullRequest
                : SUBJECTS.main,
          )
        : {}),
    }),
  };
  return runJob(readWorkflow(join(WORKFLOWS, file)), name, options);
}

function expectPassed(result: JobResult): void {
  const failed = result.steps.filter((step) => step.outcome === "failure");
  expect(failed.map((step) => `${step.name}\n${step.log}`)).toEqual([]);
}

/** The client ids that got a token since the last reset, in order. */
function signedInApps(): string[] {
  return emulator.requests
    .filter((request) => request.kind === "token" && request.status === 200)
    .map((request) => String((request.body as Record<string, unknown>).client_id));
}

beforeAll(async () => {
  issuer = await startGitHubOidcIssuer();
  const seed = loadSeed(join(REPO_ROOT, "config-examples/.emulator/seed.yaml"));
  const federated = (subject: string) => ({
    issuer: GITHUB_ISSUER,
    subject,
    publicKeyPem: issuer.publicKeyPem,
  });
  const custom: EmulatorSeed = {
    tenants: seed.tenants.map((tenant) => ({
      ...tenant,
      apps: [
        {
          clientId: READ_APP,
          displayName: "intune-gitops read-only",
          federatedCredentials: [federated(SUBJECTS.pullRequest), federated(SUBJECTS.main)],
          roles: ["DeviceManagementServiceConfig.Read.All"],
        },
        {
          clientId: WRITE_APP,
          displayName: "intune-gitops write",
          federatedCredentials: [federated(SUBJECTS.production)],
          roles: ["DeviceManagementServiceConfig.ReadWrite.All"],
        },
      ],
    })),
  };
  emulator = await startEmulator({ seed: custom });
  action = actionCheckout();
  copyProductionDependencies(action.dir);
  scratch = mkdtempSync(join(tmpdir(), "intune-gitops-template-"));
  workspace = join(scratch, "repository");
  artifacts = join(scratch, "artifacts");
  mkdirSync(artifacts);
  // The template as a user copies it, into a repository of its own.
  cpSync(TEMPLATE, workspace, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: workspace,
    });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "intune configuration from the template");
}, 120_000);

afterAll(async () => {
  await issuer.close();
  await emulator.close();
  action.cleanup();
  rmSync(scratch, { recursive: true, force: true });
}, 120_000);

describe(
  "the configuration-repository template, run as GitHub runs it",
  { timeout: 180_000 },
  () => {
    it("is a repository of its own: its configuration, .gitignore and the three workflows", () => {
      const tracked = execFileSync("git", ["ls-files"], { cwd: workspace, encoding: "utf8" }).split(
        "\n",
      );
      expect(tracked).toEqual(
        expect.arrayContaining([
          ".gitignore",
          ".github/workflows/intune-gitops-plan.yml",
          ".github/workflows/intune-gitops-apply.yml",
          ".github/workflows/intune-gitops-drift.yml",
          "intune/tenants.yaml",
          "package.json",
          "package-lock.json",
          "README.md",
        ]),
      );
    });

    it("plan on a pull request: the read-only app, the comment body, the summary and the artifact", async () => {
      emulator.reset();
      const result = await job("intune-gitops-plan.yml", "plan", "pull_request");
      expectPassed(result);
      const [validate, plan] = result.steps.filter(
        (step) => step.outputs["exit-code"] !== undefined,
      );
      expect(validate!.outputs).toMatchObject({ "exit-code": "0", errors: "0" });
      expect(plan!.outputs).toMatchObject({ "exit-code": "2", changes: "2", errors: "0" });
      // The comment step (GitHub's API) posts this file: the Markdown plan with its marker.
      const body = readFileSync(join(workspace, plan!.outputs["markdown-file"]!), "utf8");
      expect(body).toContain("<!-- intune-gitops-plan -->");
      expect(body).toMatch(/2 to change/);
      expect(body).toContain("onboardingStatus");
      expect(result.steps.find((step) => step.name.startsWith("Comment"))?.outcome).toBe(
        "github-api",
      );
      expect(result.summary).toBe(body);
      expect(readdirSync(join(artifacts, "intune-gitops-plan")).sort()).toEqual([
        "plan.json",
        "plan.md",
      ]);
      expect(new Set(signedInApps())).toEqual(new Set([READ_APP]));
      expect(issuer.issued.every((subject) => subject === SUBJECTS.pullRequest)).toBe(true);
      expect(emulator.requests.filter((request) => request.method === "PATCH")).toEqual([]);
    });

    it("apply after merge: the write app, in intune-production, applies the reviewed artifact", async () => {
      emulator.reset();
      const issuedBefore = issuer.issued.length;
      const result = await job("intune-gitops-apply.yml", "apply", "push");
      expectPassed(result);
      const apply = result.steps.find((step) => step.outputs["exit-code"] !== undefined)!;
      expect(apply.outputs).toMatchObject({ "exit-code": "0", changes: "2", errors: "0" });
      expect(existsSync(join(workspace, "reviewed/plan.json"))).toBe(true);
      expect(new Set(signedInApps())).toEqual(new Set([WRITE_APP]));
      expect(new Set(issuer.issued.slice(issuedBefore))).toEqual(new Set([SUBJECTS.production]));
      expect(emulator.requests.filter((request) => request.method === "PATCH")).toHaveLength(2);
      expect(emulator.objects("contoso", "remoteAssistancePartners")[0]).toMatchObject({
        onboardingStatus: "onboarded",
      });
    });

    it("apply run again by hand for the same pull request: the reviewed plan is already applied, nothing written twice", async () => {
      // The tenants as the apply above left them; workflow_dispatch downloads the same artifact.
      const before = emulator.requests.length;
      const result = await job("intune-gitops-apply.yml", "apply", "workflow_dispatch");
      expectPassed(result);
      const apply = result.steps.find((step) => step.outputs["exit-code"] !== undefined)!;
      // Already applied is neither a change nor an error.
      expect(apply.outputs).toMatchObject({ "exit-code": "0", changes: "0", errors: "0" });
      expect(apply.log).toMatch(/already applied/);
      const patches = emulator.requests
        .slice(before)
        .filter((request) => request.method === "PATCH");
      expect(patches).toEqual([]);
    });

    it("nightly drift: four shards with the read-only app, then the drift report", async () => {
      // Back to the seed: the tenants now differ from the configuration, as after a change by hand.
      emulator.reset();
      const workflow = readWorkflow(join(WORKFLOWS, "intune-gitops-drift.yml"));
      const shards = workflow.jobs.detect!.strategy?.matrix?.shard ?? [];
      expect(shards).toEqual([1, 2, 3, 4]);
      for (const shard of shards) {
        expectPassed(await job("intune-gitops-drift.yml", "detect", "schedule", { shard }));
      }
      expect(new Set(signedInApps())).toEqual(new Set([READ_APP]));
      const report = await job("intune-gitops-drift.yml", "report", "schedule");
      expectPassed(report);
      // The issue step (GitHub's API) acts on this report: every tenant checked, some drifted.
      const built = JSON.parse(readFileSync(join(workspace, "report.json"), "utf8")) as {
        status: string;
        issue_action: string;
        checked_tenants: number;
        body: string;
      };
      expect(built).toMatchObject({
        status: "drift",
        issue_action: "open-or-update",
        checked_tenants: 2,
      });
      expect(built.body).toContain(
        "by [the nightly run](https://github.com/contoso/intune-config/actions/runs/4242)",
      );
      expect(built.body).toContain("onboardingStatus");
      expect(built.body).toContain("<!-- intune-gitops-drift -->");
      expect(report.steps.at(-1)?.outcome).toBe("github-api");
    });

    it("the drift workflow run by hand with adopt-tenant adopts instead of detecting", () => {
      const workflow = readWorkflow(join(WORKFLOWS, "intune-gitops-drift.yml"));
      const runs = (inputs: Record<string, string>) =>
        Object.entries(workflow.jobs)
          .filter(([, definition]) =>
            shouldRun(definition.if, { inputs, github: {} }, { failed: false }),
          )
          .map(([name]) => name);
      // A scheduled run has no inputs; a run by hand leaves them empty unless given.
      expect(runs({})).toEqual(["detect", "report"]);
      expect(runs({ "adopt-tenant": "" })).toEqual(["detect", "report"]);
      expect(runs({ "adopt-tenant": "contoso" })).toEqual(["adopt"]);
    });

    it("adopt by hand: the read-only app reads the tenant, the adopted value is pushed on a branch for a pull request", async () => {
      emulator.reset();
      const jamf = emulator
        .objects("contoso", "deviceManagementPartners")
        .find((object) => object["displayName"] === "Jamf Pro");
      const id = jamf?.["id"];
      if (typeof id !== "string") throw new Error("the seed has no Jamf Pro in contoso");
      // A person changed it in the admin center.
      emulator.portalChange({
        tenant: "contoso",
        collection: "deviceManagementPartners",
        id,
        values: { partnerAppType: "singleTenantApp" },
        userPrincipalName: "admin@contoso.example",
      });
      const origin = join(scratch, "origin.git");
      const git = (...args: string[]) =>
        execFileSync("git", args, { cwd: workspace, encoding: "utf8" });
      execFileSync("git", ["init", "-q", "--bare", origin]);
      git("remote", "add", "origin", origin);
      const before = emulator.requests.length;
      try {
        const result = await job(
          "intune-gitops-drift.yml",
          "adopt",
          "workflow_dispatch",
          {},
          {
            "adopt-tenant": "contoso",
            "adopt-object": "jamf",
            // The seed's groups differ too: only this property is adopted.
            "adopt-property": "partnerAppType",
          },
        );
        expectPassed(result);
        expect(result.steps.map((step) => step.outcome)).toEqual([
          "success", // checkout (the workspace)
          "success", // the action: setup
          "success", // adopt
          "success", // commit
          "success", // push
          "github-api", // the pull request
        ]);
        const branch = "intune-gitops/adopt-contoso-4242";
        expect(result.steps[3]!.outputs).toEqual({ branch });
        // The branch on the remote: one commit on main's, exactly the adopted value, comments kept.
        const diff = execFileSync("git", ["diff", `${branch}~1`, branch], {
          cwd: origin,
          encoding: "utf8",
        });
        expect(diff.split("\n").filter((line) => /^[-+] /.test(line))).toEqual([
          "-  partnerAppType: multiTenantApp",
          "+  partnerAppType: singleTenantApp",
        ]);
        expect(readFileSync(join(workspace, ".intune-gitops/adopt.txt"), "utf8")).toContain(
          'adopted deviceManagementPartner[contoso].jamf partnerAppType: "multiTenantApp" -> "singleTenantApp"',
        );
        const requests = emulator.requests.slice(before);
        expect(
          requests.filter((request) => request.method !== "GET" && request.kind === "graph"),
        ).toEqual([]);
        expect(new Set(signedInApps())).toEqual(new Set([READ_APP]));
      } finally {
        git("switch", "-q", "main");
        git("remote", "remove", "origin");
      }
    });
  },
);

describe("template/package-lock.json", () => {
  const lock = JSON.parse(readFileSync(join(TEMPLATE, "package-lock.json"), "utf8")) as {
    packages: Record<
      string,
      { version?: string; resolved?: string; integrity?: string; dev?: boolean }
    >;
  };
  const own = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as typeof lock;
  const version = (
    JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }
  ).version;

  it("pins this version of intune-gitops with an integrity hash, as package.json asks", () => {
    const template = JSON.parse(readFileSync(join(TEMPLATE, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(template.dependencies["intune-gitops"]).toBe(version);
    expect(lock.packages["node_modules/intune-gitops"]).toMatchObject({
      version,
      resolved: `https://registry.npmjs.org/intune-gitops/-/intune-gitops-${version}.tgz`,
      integrity: expect.stringMatching(/^sha512-[A-Za-z0-9+/]+=*$/),
    });
  });

  it("pins exactly the tool's runtime dependencies, as its own lockfile does", () => {
    const runtime = Object.entries(own.packages).filter(
      ([path, entry]) => path.startsWith("node_modules/") && entry.dev !== true,
    );
    const pinned = Object.entries(lock.packages).filter(
      ([path]) => path.startsWith("node_modules/") && path !== "node_modules/intune-gitops",
    );
    expect(Object.fromEntries(pinned)).toEqual(Object.fromEntries(runtime));
  });
});
