import { describe, expect, it } from "vitest";
import { useCliScene } from "../helpers/cli-scene.ts";
import { EXAMPLE_TENANTS } from "../helpers/config-dir.ts";
import { DEFAULT_SEED } from "../helpers/default-seed.ts";

/**
 * `intune-gitops doctor --tenant NAME` as a user runs it against the emulator (real sockets, real
 * sign-in): every check passes on the default seed, a missing permission or an unreadable
 * collection says what to fix, and nothing but GETs reach Graph.
 */
describe("doctor (CLI against the emulator)", () => {
  const scene = useCliScene();
  const { emulator, work, graphRequests } = scene;
  const doctor = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
    scene.cli(["doctor", "--config", ".", ...args], env);

  /** contoso signing in with the read-only app (no write, no audit permission). */
  function useReadOnlyApp(): NodeJS.ProcessEnv {
    work().write(
      "tenants.yaml",
      EXAMPLE_TENANTS.replace(DEFAULT_SEED.demoApp.clientId, DEFAULT_SEED.readOnlyApp.clientId),
    );
    return { AZURE_CLIENT_SECRET: DEFAULT_SEED.readOnlyApp.secret };
  }

  it("passes every check against the emulator, and sends nothing but GETs", async () => {
    const run = await doctor(["--tenant", "contoso"]);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    const verdicts = lines.filter((line) => /^(pass|warn|FAIL) /.test(line));
    // Sign-in, the token (tenant, audience, read, write, audit), then per kind and version:
    // read, $select, schema watch (2 kinds x 2 versions x 3), then the audit log.
    expect(verdicts).toHaveLength(1 + 5 + 12 + 1);
    expect(verdicts.every((line) => line.startsWith("pass "))).toBe(true);
    expect(run.stdout).toContain(`tid ${DEFAULT_SEED.contoso.tenantId}`);
    expect(run.stdout).toMatch(/^pass +remoteAssistancePartners readable on v1\.0/m);
    expect(run.stdout).toMatch(/^pass +deviceManagementPartners readable on beta/m);
    expect(run.stdout).toMatch(/^pass +\$select honoured on beta deviceManagementPartners/m);
    expect(run.stdout).toMatch(/^pass +Audit events readable/m);
    expect(run.stdout).toContain("Doctor: 19 passed, 0 warnings, 0 failures.");

    const requests = graphRequests();
    expect(requests.length).toBeGreaterThanOrEqual(9);
    expect(requests.filter((request) => request.method !== "GET")).toEqual([]);
    expect(requests.map((request) => request.path)).toContain("/beta/deviceManagement/auditEvents");
  });

  it("--format json and --format markdown carry the same checks", async () => {
    const json = await doctor(["--tenant", "contoso", "--format", "json"]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as {
      format_version: number;
      tenant: string;
      tenant_id: string;
      status: string;
      checks: { id: string; verdict: string; title: string; detail: string }[];
    };
    expect(report.format_version).toBe(1);
    expect(report.tenant).toBe("contoso");
    expect(report.tenant_id).toBe(DEFAULT_SEED.contoso.tenantId);
    expect(report.status).toBe("pass");
    expect(report.checks).toHaveLength(19);
    expect(new Set(report.checks.map((check) => check.verdict))).toEqual(new Set(["pass"]));
    expect(report.checks.map((check) => check.id)).toContain(
      "schema/beta/remoteAssistancePartners",
    );

    const markdown = await doctor(["--tenant", "contoso", "--format", "markdown"]);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toMatch(/^### intune-gitops doctor: contoso/m);
    expect(markdown.stdout).toContain("| verdict | check | what was seen | fix |");
    expect(markdown.stdout.match(/^\| ✅ pass \|/gm)).toHaveLength(19);
  });

  it("without the audit permission: a warning naming DeviceManagementApps.Read.All, exit 0", async () => {
    const env = useReadOnlyApp();
    const run = await doctor(["--tenant", "contoso"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^warn +Audit events readable/m);
    expect(run.stdout).toMatch(/Fix: .*DeviceManagementApps\.Read\.All/);
    // The read-only app can plan but not apply: said as a warning, not a failure.
    expect(run.stdout).toMatch(/^warn +Permission to write/m);
    expect(run.stdout).toMatch(/^pass +Permission to read/m);
    expect(run.stdout).not.toMatch(/^FAIL /m);
    // Graph said 403 to the audit log: the doctor asked, it did not guess.
    expect(
      graphRequests("GET").find((request) => request.path.endsWith("/auditEvents"))?.status,
    ).toBe(403);
  });

  it("a property Graph returns that the registry does not know: a warning naming it and its collection", async () => {
    // What happens when Graph adds a property: it comes back when nothing is $selected.
    emulator().setFaults([
      {
        method: "GET",
        path: "/deviceManagement/remoteAssistancePartners$",
        fault: { kind: "extra-properties", properties: { sessionRecordingEnabled: true } },
      },
    ]);
    const run = await doctor(["--tenant", "contoso"]);
    expect(run.code).toBe(0);
    for (const version of ["v1.0", "beta"]) {
      expect(run.stdout).toContain(
        `warn  Properties on ${version} remoteAssistancePartners known to intune-gitops: Graph returned sessionRecordingEnabled, which intune-gitops does not know`,
      );
    }
    // $select still honoured, the other collection untouched.
    expect(run.stdout).toMatch(/^pass +\$select honoured on beta remoteAssistancePartners/m);
    expect(run.stdout).toMatch(/^pass +Properties on beta deviceManagementPartners/m);
    expect(run.stdout).toContain("Doctor: 17 passed, 2 warnings, 0 failures.");

    const json = await doctor(["--tenant", "contoso", "--format", "json"]);
    const report = JSON.parse(json.stdout) as {
      status: string;
      checks: { id: string; unknown_properties?: string[] }[];
    };
    expect(report.status).toBe("warn");
    expect(
      report.checks.find((check) => check.id === "schema/beta/remoteAssistancePartners")
        ?.unknown_properties,
    ).toEqual(["sessionRecordingEnabled"]);
  });

  it("a collection Graph refuses is a failure with its fix, exit 1", async () => {
    emulator().setFaults([
      {
        method: "GET",
        path: "^/beta/deviceManagement/remoteAssistancePartners$",
        fault: { kind: "status", status: 403 },
      },
    ]);
    const run = await doctor(["--tenant", "contoso"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL +remoteAssistancePartners readable on beta/m);
    expect(run.stdout).toMatch(/HTTP 403/);
    expect(run.stdout).toMatch(/Doctor: \d+ passed, \d+ warnings?, [1-9]\d* failures?\./);
    expect(graphRequests().filter((request) => request.method !== "GET")).toEqual([]);
  });

  it("a sign-in Entra ID refuses, or a token for another tenant: FAIL with the reason, no Graph request", async () => {
    const wrongSecret = await doctor(["--tenant", "contoso"], {
      AZURE_CLIENT_SECRET: "not-the-secret-4d2f9a",
    });
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stdout).toMatch(/^FAIL +Sign-in \(clientSecret\): .*AADSTS7000215/m);
    expect(wrongSecret.stdout).toContain("Doctor: 0 passed, 0 warnings, 1 failure.");

    emulator().setFaults([
      {
        path: "/oauth2/v2\\.0/token$",
        fault: { kind: "token-claims", tid: DEFAULT_SEED.fabrikam.tenantId },
      },
    ]);
    const otherTenant = await doctor(["--tenant", "contoso", "--format", "json"]);
    expect(otherTenant.code).toBe(1);
    const report = JSON.parse(otherTenant.stdout) as {
      status: string;
      checks: { id: string; verdict: string; detail: string }[];
    };
    expect(report.status).toBe("fail");
    expect(report.checks).toEqual([
      expect.objectContaining({
        id: "sign-in",
        verdict: "fail",
        detail: expect.stringContaining(
          `the token is for tenant "${DEFAULT_SEED.fabrikam.tenantId}", not this tenant's tenantId`,
        ),
      }),
    ]);
    expect(graphRequests()).toEqual([]);
  });

  it("refuses a Graph URL that is neither https nor on this machine, before any request", async () => {
    const run = await doctor(["--tenant", "contoso"], {
      INTUNE_GITOPS_GRAPH_URL: "http://graph.example.com",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/INTUNE_GITOPS_GRAPH_URL=http:\/\/graph\.example\.com/);
    expect(graphRequests()).toEqual([]);
  });

  it("needs exactly one --tenant", async () => {
    const run = await doctor([]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("doctor needs --tenant NAME");
  });
});
