import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import { emulatorEnv, runCli } from "../helpers/cli.ts";
import { useCliScene } from "../helpers/cli-scene.ts";
import { DEFAULT_SEED } from "../helpers/default-seed.ts";

const JWT = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}/;

/**
 * A capture round-trips: `doctor --capture` against one emulator, the file replayed by a second
 * (`startEmulator({ replay })`, `intune-gitops emulator --replay FILE`), and doctor against the
 * replay sees what the first one answered: how a user shows a difference between the emulator
 * and the real service.
 */
describe("doctor --capture, replayed by the emulator", () => {
  const scene = useCliScene();
  let replay: Emulator | undefined;
  afterEach(async () => {
    await replay?.close();
    replay = undefined;
  });

  async function capture(): Promise<{ path: string; text: string }> {
    const run = await scene.cli([
      "doctor",
      "--config",
      ".",
      "--tenant",
      "contoso",
      "--capture",
      "capture.json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Wrote the capture capture\.json \(9 answers, redacted\)/);
    const path = join(scene.work().dir, "capture.json");
    return { path, text: readFileSync(path, "utf8") };
  }

  const doctorAgainst = (emulator: Emulator, format: readonly string[] = []) =>
    runCli(["doctor", "--config", ".", "--tenant", "contoso", ...format], {
      env: emulatorEnv(emulator),
      cwd: scene.work().dir,
    });

  it("holds no token nor secret, keeps the ids, and a second emulator answers with it: doctor passes", async () => {
    const { path, text } = await capture();
    expect(text).not.toMatch(JWT);
    expect(text).not.toContain(DEFAULT_SEED.demoApp.secret);
    expect(text).not.toMatch(/bearer/i);
    expect(text).toContain(DEFAULT_SEED.contoso.teamViewerId);
    const parsed = JSON.parse(text) as { format: string; roles: string[]; answers: unknown[] };
    expect(parsed.format).toBe("intune-gitops-graph-capture");
    expect(parsed.roles).toContain("DeviceManagementApps.Read.All");
    expect(parsed.answers).toHaveLength(9);

    replay = await startEmulator({ replay: path });
    const run = await doctorAgainst(replay);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Doctor: 19 passed, 0 warnings, 0 failures.");
    // Every Graph answer came from the capture, and nothing but GETs were sent.
    const graph = replay.requests.filter((request) => request.kind === "graph");
    expect(graph).toHaveLength(9);
    expect(graph.every((request) => request.method === "GET" && request.replayed === true)).toBe(
      true,
    );
  });

  it("a difference captured from one service shows in the replay: the unknown property and the 403", async () => {
    scene.emulator().setFaults([
      {
        method: "GET",
        path: "/deviceManagement/deviceManagementPartners$",
        fault: { kind: "extra-properties", properties: { partnerPortalUrl: "https://x.example" } },
      },
      {
        method: "GET",
        path: "/auditEvents$",
        fault: { kind: "status", status: 403 },
      },
    ]);
    const { path } = await capture();
    // The replaying emulator has neither fault: what doctor sees comes from the capture.
    replay = await startEmulator({ replay: path });
    const run = await doctorAgainst(replay);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      "warn  Properties on beta deviceManagementPartners known to intune-gitops: Graph returned partnerPortalUrl",
    );
    expect(run.stdout).toMatch(/^warn +Audit events readable: .*HTTP 403/m);
    expect(run.stdout).toContain("Doctor: 16 passed, 3 warnings, 0 failures.");
  });

  it("a capture of a tenant the seed does not have: the replay adds it, signing in as the demo app", async () => {
    const { path, text } = await capture();
    // As a maintainer receives it from a user: another tenant, named and numbered its own way.
    const northwind = "0c4e6a8b-2d4f-4a6c-8e0a-2c4e6a8b0d2f";
    scene
      .work()
      .write(
        "capture.json",
        text
          .replaceAll(DEFAULT_SEED.contoso.tenantId, northwind)
          .replace('"contoso"', '"northwind"'),
      );
    scene.work().write(
      "northwind.yaml",
      `apiVersion: intune-gitops/v1
kind: Tenant
metadata: { name: northwind }
spec:
  tenantId: ${northwind}
  graphVersion: beta
  auth: { method: clientSecret, clientId: ${DEFAULT_SEED.demoApp.clientId}, clientSecretEnv: AZURE_CLIENT_SECRET }
`,
    );
    replay = await startEmulator({ replay: path });
    expect(replay.tenants.map((tenant) => tenant.name)).toEqual([
      "contoso",
      "fabrikam",
      "northwind",
    ]);
    const run = await runCli(["doctor", "--config", ".", "--tenant", "northwind"], {
      env: emulatorEnv(replay),
      cwd: scene.work().dir,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`tid ${northwind} is the configured tenantId`);
    expect(run.stdout).toContain("Doctor: 19 passed, 0 warnings, 0 failures.");
  });

  it("the emulator command takes --replay FILE, and refuses a file that is not a capture", async () => {
    const work = scene.work();
    work.write("not-a-capture.json", JSON.stringify({ answers: [] }));
    const run = await runCli(["emulator", "--replay", "not-a-capture.json"], { cwd: work.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("is not an intune-gitops capture");
  });
});
