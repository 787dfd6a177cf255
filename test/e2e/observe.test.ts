import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { emulatorEnv, runCli, useEmulator } from "../helpers/cli.ts";
import { tempConfig, type TempConfig } from "../helpers/config-dir.ts";

/** Observe-only objects (`metadata.mode: observe`): planned and reported, never written. */
describe("observe-only objects (CLI against the emulator)", () => {
  const emulator = useEmulator();
  let work: TempConfig;

  beforeEach(() => {
    work?.cleanup();
    work = tempConfig({ fromExamples: true });
    // TeamViewer (contoso drifted: notOnboarded, declared onboarded) is another team's object.
    const file = join(work.dir, "remote-assistance.yaml");
    work.write(
      "remote-assistance.yaml",
      readFileSync(file, "utf8").replace(
        "  name: teamviewer\n",
        "  name: teamviewer\n  mode: observe\n",
      ),
    );
  });

  const cli = (args: string[]) => runCli(args, { env: emulatorEnv(emulator()), cwd: work.dir });
  const patches = () => emulator().requests.filter((r) => r.method === "PATCH");

  it("plans the observed object's drift like any other, apart and counted as observed", async () => {
    const run = await cli(["plan", "--config", ".", "--detailed-exitcode"]);
    expect(run.stderr).not.toMatch(/error|warning/i);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("intune-gitops will update 1 object in place");
    expect(run.stdout).toContain(
      "1 observe-only object differs from the configuration (metadata.mode: observe: reported, never written):",
    );
    expect(run.stdout).toMatch(
      /observe: reported, never written\):\n\n~ remoteAssistancePartner\.teamviewer \(tenant contoso/,
    );
    expect(run.stdout).toContain("Plan: 1 to change, 1 observed (not written), 2 unchanged.");
    const json = JSON.parse((await cli(["plan", "--config", ".", "--format", "json"])).stdout);
    expect(json.summary).toMatchObject({ to_change: 1, observed: 1 });
    expect(
      json.changes.map((change: { address: string; mode: string }) => [
        change.address,
        change.mode,
      ]),
    ).toEqual([
      ["deviceManagementPartner[contoso].jamf", "manage"],
      ["remoteAssistancePartner[contoso].teamviewer", "observe"],
    ]);
  });

  it("apply (fresh and from a saved plan) skips it and says so; only the managed object is written", async () => {
    expect((await cli(["plan", "--config", ".", "--out", "plan.json"])).code).toBe(0);
    const saved = await cli(["apply", "plan.json", "--config", "."]);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain(
      "- remoteAssistancePartner[contoso].teamviewer: skipped, observe-only (metadata.mode: observe): its drift in onboardingStatus is reported, never written",
    );
    expect(saved.stdout).toContain("Apply complete: 1 changed, 0 failed, 0 skipped.");
    expect(patches().map((r) => r.path)).toEqual([
      expect.stringContaining("/deviceManagementPartners/"),
    ]);

    const again = await cli(["apply", "--config", ".", "--auto-approve"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("teamviewer: skipped, observe-only");
    expect(again.stderr).toContain("Only observe-only objects differ: nothing to apply.");
    expect(patches()).toHaveLength(1);

    const drift = await cli(["plan", "--config", ".", "--detailed-exitcode"]);
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain("Plan: 0 to change, 1 observed (not written), 3 unchanged.");
  });
});
