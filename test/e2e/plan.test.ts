import { beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorSeed } from "../../src/emulator/index.ts";
import { EXAMPLES, emulatorEnv, runCli, useEmulator } from "../helpers/cli.ts";
import { EXAMPLE_TENANTS, tempConfig, type TempConfig } from "../helpers/config-dir.ts";
import { DEFAULT_SEED } from "../helpers/default-seed.ts";

/** An emulator seed with only contoso and its demo app (ReadWrite unless `roles` says otherwise). */
function contosoOnly(options: {
  secret?: string;
  roles?: string[];
  remoteAssistancePartners?: { id: string; displayName: string }[];
}): EmulatorSeed {
  return {
    tenants: [
      {
        name: "contoso",
        tenantId: DEFAULT_SEED.contoso.tenantId,
        apps: [
          {
            clientId: DEFAULT_SEED.demoApp.clientId,
            secret: options.secret ?? DEFAULT_SEED.demoApp.secret,
            roles: options.roles ?? ["DeviceManagementServiceConfig.ReadWrite.All"],
          },
        ],
        remoteAssistancePartners: options.remoteAssistancePartners ?? [],
      },
    ],
  };
}

/** `intune-gitops plan` as a user runs it, against the emulator over HTTPS. */
describe("plan (CLI against the emulator)", () => {
  const emulator = useEmulator();
  let config: TempConfig;

  beforeEach(() => {
    config?.cleanup();
    config = tempConfig();
  });

  const plan = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(["plan", ...args], { env: { ...emulatorEnv(emulator()), ...env } });

  it("shows the changed objects and counts the unchanged ones", async () => {
    const run = await plan(["--config", EXAMPLES]);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/remoteAssistancePartner.*teamviewer.*contoso/);
    expect(run.stdout).toMatch(/onboardingStatus: "notOnboarded" → "onboarded"/);
    expect(run.stdout).toMatch(/deviceManagementPartner.*jamf.*contoso/);
    expect(run.stdout).toContain("Plan: 2 to change, 2 unchanged.");
    expect(run.stdout).not.toMatch(/fabrikam.*teamviewer/);
  });

  it("exits 2 with --detailed-exitcode when there are changes, 0 when there are none", async () => {
    expect((await plan(["--config", EXAMPLES, "--detailed-exitcode"])).code).toBe(2);
    const clean = await plan(["--config", EXAMPLES, "--tenant", "fabrikam", "--detailed-exitcode"]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("No changes. The tenants match the configuration.");
  });

  it("reports an object that matches nothing, with the candidates, and exits 1", async () => {
    config.write("tenants.yaml", EXAMPLE_TENANTS);
    config.write(
      "ra.yaml",
      `apiVersion: intune-gitops/v1
kind: RemoteAssistancePartner
metadata: { name: rescue, tenants: contoso, match: { displayName: LogMeIn Rescue } }
spec: { onboardingStatus: onboarded }
`,
    );
    const run = await plan(["--config", config.dir]);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/LogMeIn Rescue/);
    expect(run.stdout + run.stderr).toMatch(/TeamViewer/); // the candidate it could have meant
  });

  it("refuses to guess between two objects with the same display name", async () => {
    const ambiguous = await startEmulator({
      port: 0,
      seed: contosoOnly({
        remoteAssistancePartners: [
          { id: "11111111-1111-4111-8111-111111111111", displayName: "TeamViewer" },
          { id: "22222222-2222-4222-8222-222222222222", displayName: "TeamViewer" },
        ],
      }),
    });
    try {
      config.write("tenants.yaml", EXAMPLE_TENANTS.split("---")[0]!);
      config.write(
        "ra.yaml",
        `apiVersion: intune-gitops/v1
kind: RemoteAssistancePartner
metadata: { name: teamviewer, tenants: contoso, match: { displayName: TeamViewer } }
spec: { onboardingStatus: onboarded }
`,
      );
      const run = await runCli(["plan", "--config", config.dir], {
        env: emulatorEnv(ambiguous),
      });
      expect(run.code).toBe(1);
      const output = run.stdout + run.stderr;
      expect(output).toContain("11111111-1111-4111-8111-111111111111");
      expect(output).toContain("22222222-2222-4222-8222-222222222222");
      expect(ambiguous.requests.filter((r) => r.method === "PATCH")).toHaveLength(0);
    } finally {
      await ambiguous.close();
    }
  });

  it("follows @odata.nextLink across pages", async () => {
    const paged = await startEmulator({ port: 0, pageSize: 1 });
    try {
      const run = await runCli(["plan", "--config", EXAMPLES, "--tenant", "fabrikam"], {
        env: emulatorEnv(paged),
      });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("No changes.");
      const pageReads = paged.requests.filter(
        (r) => r.kind === "graph" && r.method === "GET" && "$skiptoken" in r.query,
      );
      expect(pageReads.length).toBeGreaterThan(0);
    } finally {
      await paged.close();
    }
  });

  it("rides out a 429 with Retry-After and plans as usual", async () => {
    emulator().setFaults([
      {
        method: "GET",
        path: "/deviceManagement/remoteAssistancePartners$",
        times: 1,
        fault: { kind: "status", status: 429, retryAfter: "0.2" },
      },
    ]);
    const run = await plan(["--config", EXAMPLES]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Plan: 2 to change, 2 unchanged.");
    expect(emulator().requests.filter((r) => r.status === 429)).toHaveLength(1);
  });

  it("names the missing permission (403) before reading anything", async () => {
    const noRoles = await startEmulator({
      port: 0,
      seed: contosoOnly({ secret: "s3cret-value-1", roles: [] }),
    });
    try {
      config.write("tenants.yaml", EXAMPLE_TENANTS.split("---")[0]!);
      config.write(
        "ra.yaml",
        `apiVersion: intune-gitops/v1
kind: RemoteAssistancePartner
metadata: { name: teamviewer, tenants: contoso, match: { displayName: TeamViewer } }
spec: { onboardingStatus: onboarded }
`,
      );
      const run = await runCli(["plan", "--config", config.dir], {
        env: { ...emulatorEnv(noRoles), AZURE_CLIENT_SECRET: "s3cret-value-1" },
      });
      expect(run.code).toBe(1);
      expect(run.stdout + run.stderr).toContain("DeviceManagementServiceConfig.Read.All");
      expect(run.stdout + run.stderr).not.toContain("s3cret-value-1");
      expect(noRoles.requests.filter((r) => r.kind === "graph")).toHaveLength(0);
    } finally {
      await noRoles.close();
    }
  });

  it("still plans the other tenants when one is down, and exits 1", async () => {
    emulator().setFaults([
      {
        path: "^/3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a19/oauth2/v2.0/token$",
        fault: { kind: "status", status: 400 },
      },
    ]);
    const run = await plan(["--config", EXAMPLES]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/teamviewer.*contoso/);
    expect(run.stdout + run.stderr).toMatch(/fabrikam/);
  });
});
