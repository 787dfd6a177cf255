import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { emulatorEnv, runCli, useEmulator } from "../helpers/cli.ts";
import { tempConfig, type TempConfig } from "../helpers/config-dir.ts";

/**
 * `intune-gitops adopt` against the emulator: contoso's TeamViewer is notOnboarded live, the
 * examples declare onboarded (with a comment on that line).
 */
describe("adopt (CLI against the emulator)", () => {
  const emulator = useEmulator();
  let work: TempConfig;
  const read = (file: string) => readFileSync(join(work.dir, file), "utf8");

  beforeEach(() => {
    work?.cleanup();
    work = tempConfig({ fromExamples: true });
  });

  const cli = (args: string[]) =>
    runCli(["adopt", ...args, "--config", "."], { env: emulatorEnv(emulator()), cwd: work.dir });

  it("writes exactly the changed value back, keeping comments; the plan then has no change for it", async () => {
    // TeamViewer for contoso alone, so contoso's value may become the declared one.
    const original = read("remote-assistance.yaml").replace("tenants: all", "tenants: contoso");
    work.write("remote-assistance.yaml", original);
    const devices = read("device-management.yaml");

    const run = await cli(["--tenant", "contoso", "--object", "teamviewer"]);
    expect(run.stderr).not.toMatch(/error|not adopted/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'adopted remoteAssistancePartner[contoso].teamviewer onboardingStatus: "onboarded" -> "notOnboarded" (remote-assistance.yaml)',
    );
    // The whole diff: one value, its comment kept.
    expect(read("remote-assistance.yaml")).toBe(
      original.replace(
        "onboardingStatus: onboarded # notOnboarded | onboarding | onboarded",
        "onboardingStatus: notOnboarded # notOnboarded | onboarding | onboarded",
      ),
    );
    expect(read("device-management.yaml")).toBe(devices);
    expect(emulator().requests.filter((r) => r.method === "PATCH")).toHaveLength(0);

    const plan = await runCli(["plan", "--config", "."], {
      env: emulatorEnv(emulator()),
      cwd: work.dir,
    });
    expect(plan.stdout).not.toContain("teamviewer");
  });

  it("refuses to adopt one tenant's value into an object shared by several, and says how to split it", async () => {
    const original = read("remote-assistance.yaml");
    const run = await cli(["--tenant", "contoso", "--object", "teamviewer"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "not adopted: remoteAssistancePartner[contoso].teamviewer (onboardingStatus): the document at remote-assistance.yaml:5 declares it for contoso, fabrikam, so contoso's live value would change it for fabrikam too.",
    );
    expect(run.stderr).toContain("declare a tenant-specific object");
    expect(read("remote-assistance.yaml")).toBe(original);
  });

  it("--property narrows it; a property without drift adopts nothing", async () => {
    const original = read("remote-assistance.yaml").replace("tenants: all", "tenants: contoso");
    work.write("remote-assistance.yaml", original);
    const run = await cli([
      "--tenant",
      "contoso",
      "--object",
      "teamviewer",
      "--property",
      "onboardingUrl",
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "Nothing to adopt: tenant contoso's teamviewer matches the configuration in onboardingUrl.",
    );
    expect(read("remote-assistance.yaml")).toBe(original);
  });
});
