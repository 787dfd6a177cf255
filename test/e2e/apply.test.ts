import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES, emulatorEnv, runCli } from "../helpers/cli.ts";
import { useCliScene } from "../helpers/cli-scene.ts";
import { EXAMPLE_TENANTS, tempConfig } from "../helpers/config-dir.ts";

/** `intune-gitops apply` as a user (or CI) runs it, against the emulator over HTTPS. */
describe("apply (CLI against the emulator)", () => {
  const { emulator, work, cli, graphRequests } = useCliScene();
  const patches = () => graphRequests("PATCH");

  it("applies a saved plan with exactly its PATCH bodies, then plans no changes", async () => {
    const planned = await cli(["plan", "--config", ".", "--out", "plan.json"]);
    expect(planned.code).toBe(0);
    const saved = JSON.parse(readFileSync(join(work().dir, "plan.json"), "utf8"));
    const expectedBodies = saved.plan.changes.map((change: { patch: unknown }) => change.patch);

    const applied = await cli(["apply", "plan.json", "--config", "."]);
    expect(applied.stderr).toBe(applied.stderr.replace(/at .*\.ts:\d+/g, ""));
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("Apply complete: 2 changed, 0 failed, 0 skipped.");
    expect(patches().map((r) => r.body)).toEqual(expect.arrayContaining(expectedBodies));
    expect(patches()).toHaveLength(expectedBodies.length);

    const again = await cli(["plan", "--config", ".", "--detailed-exitcode"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("No changes.");
  });

  it("refuses a saved plan whose objects changed since, and writes nothing", async () => {
    expect((await cli(["plan", "--config", ".", "--out", "plan.json"])).code).toBe(0);
    // Someone else changes TeamViewer in contoso after the plan was reviewed.
    const other = tempConfig({ fromExamples: true });
    try {
      other.write(
        "remote-assistance.yaml",
        readFileSync(join(EXAMPLES, "remote-assistance.yaml"), "utf8").replace(
          "onboardingStatus: onboarded",
          "onboardingStatus: onboarding",
        ),
      );
      const elsewhere = await runCli(["apply", "--config", other.dir, "--auto-approve"], {
        env: emulatorEnv(emulator()),
      });
      expect(elsewhere.code).toBe(0);
    } finally {
      other.cleanup();
    }
    const patchesBefore = patches().length;

    const stale = await cli(["apply", "plan.json", "--config", "."]);
    expect(stale.code).toBe(1);
    expect(stale.stdout + stale.stderr).toMatch(/changed since the plan was made/);
    expect(stale.stdout + stale.stderr).toMatch(/plan again/i);
    expect(patches()).toHaveLength(patchesBefore);
  });

  it("refuses a saved plan made from another configuration", async () => {
    expect((await cli(["plan", "--config", ".", "--out", "plan.json"])).code).toBe(0);
    work().write(
      "remote-assistance.yaml",
      readFileSync(join(work().dir, "remote-assistance.yaml"), "utf8").replace(
        "https://start.teamviewer.com/intune/",
        "https://start.teamviewer.com/other/",
      ),
    );
    const run = await cli(["apply", "plan.json", "--config", "."]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/different configuration/);
    expect(patches()).toHaveLength(0);
  });

  it("refuses a hand-edited plan file and writes nothing", async () => {
    expect((await cli(["plan", "--config", ".", "--out", "plan.json"])).code).toBe(0);
    const path = join(work().dir, "plan.json");
    writeFileSync(path, readFileSync(path, "utf8").replace('"onboarded"', '"notOnboarded"'));
    const run = await cli(["apply", "plan.json", "--config", "."]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/plan\.json: /);
    expect(run.stderr).toMatch(/Nothing was written/);
    expect(patches()).toHaveLength(0);
  });

  it("refuses a saved plan that has errors, and writes nothing", async () => {
    emulator().setFaults([
      {
        path: "^/3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a19/oauth2/v2.0/token$",
        fault: { kind: "status", status: 400 },
      },
    ]);
    // fabrikam cannot sign in: the plan holds contoso's changes and one error.
    expect((await cli(["plan", "--config", ".", "--out", "plan.json"])).code).toBe(1);
    emulator().setFaults([]);
    const run = await cli(["apply", "plan.json", "--config", "."]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/the plan has 1 error .*nothing was written/);
    expect(patches()).toHaveLength(0);
  });

  it("asks before writing, and without a terminal refuses unless --auto-approve", async () => {
    const refused = await cli(["apply", "--config", "."]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("Plan: 2 to change");
    expect(refused.stderr).toMatch(/--auto-approve/);
    expect(patches()).toHaveLength(0);

    const approved = await cli(["apply", "--config", ".", "--auto-approve"]);
    expect(approved.code).toBe(0);
    expect(patches()).toHaveLength(2);
  });

  it("stops at the permission preflight for a read-only app: nothing is read or written", async () => {
    work().write(
      "tenants.yaml",
      EXAMPLE_TENANTS.replace(
        /auth: \{ method: clientSecret[^}]*\}/,
        "auth: { method: environment }",
      ),
    );
    const run = await cli(["apply", "--config", ".", "--tenant", "contoso", "--auto-approve"], {
      AZURE_CLIENT_ID: "5e0d6f7a-3b2c-4d1e-8f9a-0b1c2d3e4f5a",
      AZURE_CLIENT_SECRET: "read-only-demo-secret",
    });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain("DeviceManagementServiceConfig.ReadWrite.All");
    expect(run.stdout + run.stderr).not.toContain("read-only-demo-secret");
    expect(emulator().requests.filter((r) => r.kind === "graph")).toHaveLength(0);
  });

  it("explains a wrong client secret with the AADSTS code, never the secret", async () => {
    const run = await cli(["plan", "--config", ".", "--tenant", "contoso"], {
      AZURE_CLIENT_SECRET: "wrong-secret-value-42",
    });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/contoso/);
    expect(run.stdout + run.stderr).toMatch(/AADSTS7000215/);
    expect(run.stdout + run.stderr).not.toContain("wrong-secret-value-42");
  });

  it("reports a 400 on one object, applies the others, and exits 1", async () => {
    emulator().setFaults([
      {
        method: "PATCH",
        path: "/deviceManagement/deviceManagementPartners/",
        fault: { kind: "status", status: 400 },
      },
    ]);
    const run = await cli(["apply", "--config", ".", "--auto-approve"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/1 changed, 1 failed/);
    expect(patches().filter((r) => r.status === 204)).toHaveLength(1);
  });
});
