import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES, emulatorEnv, runCli } from "../helpers/cli.ts";
import { useCliScene } from "../helpers/cli-scene.ts";
import { tempConfig } from "../helpers/config-dir.ts";

/** A saved plan that failed part-way is finished by running the same `apply PLANFILE` again. */
describe("apply PLANFILE, run again after a partial failure (CLI against the emulator)", () => {
  const { emulator, cli, graphRequests } = useCliScene({ timeoutMs: 60_000 });
  const patchesTo = (fragment: string) =>
    graphRequests("PATCH").filter((r) => r.path.includes(fragment));
  const jamfFails = () =>
    emulator().setFaults([
      {
        method: "PATCH",
        path: "/deviceManagement/deviceManagementPartners/",
        fault: { kind: "status", status: 400 },
      },
    ]);

  it("reports what the first run wrote as already applied, writes only the rest", async () => {
    expect((await cli(["plan", "--config", ".", "--out", "plan.json"])).code).toBe(0);
    jamfFails();
    const first = await cli(["apply", "plan.json", "--config", "."]);
    expect(first.code).toBe(1);
    expect(patchesTo("remoteAssistancePartners")).toHaveLength(1);

    emulator().setFaults([]);
    const second = await cli(["apply", "plan.json", "--config", "."]);
    expect(second.stderr).not.toMatch(/changed since the plan was made/);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/teamviewer.*already applied/);
    expect(second.stdout).toContain(
      "Apply complete: 1 changed, 1 already applied, 0 failed, 0 skipped.",
    );
    // TeamViewer was not written twice.
    expect(patchesTo("remoteAssistancePartners")).toHaveLength(1);
    expect(patchesTo("deviceManagementPartners").filter((r) => r.status === 204)).toHaveLength(1);
  });

  it("still refuses when something else changed on an object since the plan", async () => {
    expect((await cli(["plan", "--config", ".", "--out", "plan.json"])).code).toBe(0);
    // Someone sets TeamViewer to the plan's value AND changes its URL by hand.
    const other = tempConfig({ fromExamples: true });
    try {
      other.write(
        "remote-assistance.yaml",
        readFileSync(join(EXAMPLES, "remote-assistance.yaml"), "utf8").replace(
          "https://start.teamviewer.com/intune/",
          "https://elsewhere.example/intune/",
        ),
      );
      const elsewhere = await runCli(
        ["apply", "--config", other.dir, "--auto-approve", "--tenant", "contoso"],
        { env: emulatorEnv(emulator()) },
      );
      expect(elsewhere.code).toBe(0);
    } finally {
      other.cleanup();
    }
    const before = emulator().requests.filter((r) => r.method === "PATCH").length;
    const run = await cli(["apply", "plan.json", "--config", "."]);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(
      /onboardingUrl is now "https:\/\/elsewhere\.example\/intune\/" \(the plan saw the configuration's value\)/,
    );
    expect(emulator().requests.filter((r) => r.method === "PATCH")).toHaveLength(before);
  });
});
