import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLES, emulatorEnv, runCli, useEmulator, type CliRun } from "../helpers/cli.ts";
import { tempConfig, type TempConfig } from "../helpers/config-dir.ts";

/** `intune-gitops show PLANFILE`: one plan run, every format, no second read of the tenants. */
describe("show (a saved plan in every format)", () => {
  const emulator = useEmulator();
  let dir: TempConfig;
  let file: string;
  let planned: CliRun;
  beforeAll(async () => {
    dir = tempConfig();
    file = join(dir.dir, "plan.json");
    // Without attribution: who changed what is about the past, and a saved plan (what apply
    // executes) does not keep it, so show cannot print it.
    planned = await runCli(
      ["plan", "--config", EXAMPLES, "--format", "markdown", "--no-attribution", "--out", file],
      { env: emulatorEnv(emulator()) },
    );
  });
  afterAll(() => dir.cleanup());

  it("prints the saved plan as plan printed it, in each format, without Graph", async () => {
    expect(planned.code, planned.stderr).toBe(0);
    // No environment at all: show needs neither the emulator nor credentials.
    const markdown = await runCli(["show", file, "--format", "markdown"]);
    expect(markdown.code, markdown.stderr).toBe(0);
    expect(markdown.stdout).toBe(planned.stdout);
    const json = await runCli(["show", file, "--format", "json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      summary: { to_change: 2, unchanged: 2, errors: 0 },
    });
    const text = await runCli(["show", file]);
    expect(text.stdout).toContain("Plan: 2 to change, 2 unchanged.");
    // (The emulator's request log is cleared before each test: the plan's reads are not in it.)
    expect(emulator().requests).toHaveLength(0);
  });

  it("refuses an edited plan file and a missing argument, saying what to do", async () => {
    const edited = join(dir.dir, "edited.json");
    copyFileSync(file, edited);
    writeFileSync(edited, readFileSync(edited, "utf8").replace("notOnboarded", "onboarded"));
    const refused = await runCli(["show", edited]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `${edited}: the plan file's checksum does not match its content (edited by hand?)`,
    );
    const missing = await runCli(["show"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("show needs the plan file: intune-gitops show PLANFILE");
  });
});
