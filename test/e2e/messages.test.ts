import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES, emulatorEnv, runCli, useEmulator } from "../helpers/cli.ts";
import { tempConfig } from "../helpers/config-dir.ts";
import { DEFAULT_SEED } from "../helpers/default-seed.ts";

/**
 * What a user reads when tenants fail, and while a run waits: advice by cause, a shared cause
 * said once, nothing printed twice, progress and retries on stderr only.
 */
describe("messages and progress (CLI against the emulator)", () => {
  const emulator = useEmulator();
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(args, { env: { ...emulatorEnv(emulator()), ...env }, timeoutMs: 60_000 });
  const count = (text: string, fragment: string) => text.split(fragment).length - 1;

  it("a wrong secret: sign-in advice, no catch-all, nothing printed twice", async () => {
    const run = await cli(["plan", "--config", EXAMPLES], {
      AZURE_CLIENT_SECRET: "wrong-secret-value-42",
    });
    expect(run.code).toBe(1);
    const all = run.stdout + run.stderr;
    // Once per tenant (their apps differ), in the plan's problems only: not again on stderr.
    expect(count(run.stdout, "AADSTS7000215")).toBe(2);
    expect(count(run.stderr, "AADSTS")).toBe(0);
    expect(run.stdout).toContain("✗ could not sign in to tenant contoso: could not get a token");
    expect(run.stdout).toMatch(/Check tenant contoso's tenantId, cloud and auth settings/);
    // Not the catch-all, not a doubled prefix, not "the other tenants" when none was planned.
    expect(all).not.toMatch(/Run plan again later|Microsoft support/);
    expect(all).not.toContain("tenant contoso: tenant contoso");
    expect(all).not.toMatch(/other tenants were/);
    expect(run.stderr).toMatch(
      /^\[\d\/2\] ✗ contoso: not read \(why: in the plan's problems\)\.$/m,
    );
  });

  it("a cause shared by every tenant (a refused custom endpoint) is reported once, with the count", async () => {
    const run = await cli(["plan", "--config", EXAMPLES], {
      INTUNE_GITOPS_GRAPH_URL: "https://graph.example.invalid",
    });
    expect(run.code).toBe(1);
    expect(count(run.stdout, "INTUNE_GITOPS_GRAPH_URL=")).toBe(1);
    expect(run.stdout).toContain("2 tenants, one cause");
    expect(run.stdout).toContain("Fix the setting named above");
  });

  it("apply with a read-only app names the write permission it lacks", async () => {
    // contoso signing in with the app from the environment: the seed's read-only app.
    const config = tempConfig({ fromExamples: true });
    config.write(
      "tenants.yaml",
      readFileSync(join(EXAMPLES, "tenants.yaml"), "utf8").replace(
        /method: clientSecret\n\s+clientId: \S+\n\s+clientSecretEnv: AZURE_CLIENT_SECRET/,
        "method: environment",
      ),
    );
    const run = await cli(
      ["apply", "--config", config.dir, "--tenant", "contoso", "--auto-approve"],
      {
        AZURE_CLIENT_ID: DEFAULT_SEED.readOnlyApp.clientId,
        AZURE_CLIENT_SECRET: DEFAULT_SEED.readOnlyApp.secret,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("DeviceManagementServiceConfig.ReadWrite.All");
    expect(run.stdout).toContain("not permitted in tenant contoso");
    expect(run.stdout).not.toContain("could not read tenant contoso");
    expect(run.stdout).toMatch(/An administrator of tenant contoso must grant the app/);
    config.cleanup();
  });

  it("a Graph outage: the request-id and when to try again; each retry shown as it waits", async () => {
    emulator().setFaults([
      {
        method: "GET",
        path: "/deviceManagement/remoteAssistancePartners$",
        fault: { kind: "status", status: 503, retryAfter: "0" },
      },
    ]);
    const run = await cli(["plan", "--config", EXAMPLES, "--tenant", "fabrikam"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/request-id [0-9a-f-]{36}/);
    expect(run.stdout).toMatch(
      /Microsoft Graph is throttling or failing: run again later; if it lasts, quote the request-id [0-9a-f-]{36} to Microsoft support\./,
    );
    expect(run.stderr).toContain(
      "Graph answered 503 for fabrikam; retrying in 0 s (attempt 2 of 6).",
    );
    expect(run.stderr).toContain("(attempt 6 of 6)");
  });

  it("a throttled read shows its wait without --debug; --format json keeps stdout to the JSON", async () => {
    emulator().setFaults([
      {
        method: "GET",
        path: "/deviceManagement/remoteAssistancePartners$",
        times: 1,
        fault: { kind: "status", status: 429, retryAfter: "3" },
      },
    ]);
    const run = await cli(["plan", "--config", EXAMPLES, "--format", "json"]);
    expect(run.code).toBe(0);
    expect(() => JSON.parse(run.stdout)).not.toThrow();
    expect(run.stderr).toMatch(
      /^Graph throttled (contoso|fabrikam) \(429\); retrying in 3 s \(attempt 2 of 6\)\.$/m,
    );
    expect(run.stderr).toMatch(/^\[1\/2\] Read /m);
    expect(run.stderr).toMatch(/^\[2\/2\] Read /m);
  });
});
