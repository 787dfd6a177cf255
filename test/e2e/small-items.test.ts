import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { EXAMPLES, emulatorEnv, runCli, useEmulator } from "../helpers/cli.ts";
import { tempConfig, type TempConfig } from "../helpers/config-dir.ts";

/** The smaller things a first-time user trips over, each as the user meets it. */
describe("first-use details (CLI against the emulator)", () => {
  const emulator = useEmulator();
  let work: TempConfig;
  beforeEach(() => {
    work?.cleanup();
    work = tempConfig({ fromExamples: true });
  });
  const cli = (args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}) =>
    runCli(args, {
      env: { ...emulatorEnv(emulator()), ...options.env },
      cwd: work.dir,
      ...(options.input === undefined ? {} : { input: options.input }),
      timeoutMs: 60_000,
    });

  it("plan --out says the whole apply command, --config included", async () => {
    const run = await cli(["plan", "--config", ".", "--out", "plan.json"]);
    expect(run.stderr).toContain("with 'intune-gitops apply plan.json --config .'");
  });

  it("apply of a missing plan file says how to make one; of a --format json output, to use --out", async () => {
    const missing = await cli(["apply", "nope.json", "--config", "."]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      "cannot read the plan file nope.json: it cannot be read (ENOENT). Nothing was written. Pass a plan saved by 'plan --out FILE'.",
    );
    expect(missing.stderr).not.toMatch(/: ENOENT$/m);
    const json = await cli(["plan", "--config", ".", "--format", "json"]);
    writeFileSync(join(work.dir, "plan-output.json"), json.stdout);
    const wrong = await cli(["apply", "plan-output.json", "--config", "."]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("this is the output of 'plan --format json'");
    expect(wrong.stderr).toContain("'plan --out FILE'");
  });

  it("suggests the flag that was meant, and refuses -config with one dash", async () => {
    const typo = await cli(["plan", "--confg", "."]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("did you mean --config?");
    const oneDash = await cli(["plan", "-config", "."]);
    expect(oneDash.code).toBe(1);
    expect(oneDash.stderr).toContain("-config: a long option takes two dashes: --config");
  });

  it("colour: never with TERM=dumb, always with FORCE_COLOR", async () => {
    const forced = await cli(["plan", "--config", "."], {
      env: { NO_COLOR: "", FORCE_COLOR: "1" },
    });
    expect(forced.stdout).toContain("\u001b[");
    const dumb = await cli(["plan", "--config", "."], { env: { NO_COLOR: "", TERM: "dumb" } });
    expect(dumb.stdout).not.toContain("\u001b[");
  });

  it("echo yes | apply applies, and the report shows each value before → after", async () => {
    const none = await cli(["apply", "--config", "."], { input: "" });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("there is no terminal to ask and nothing on stdin");
    const run = await cli(["apply", "--config", "."], { input: "yes\n" });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("Only 'yes' is accepted: yes (from stdin)");
    expect(run.stdout).toContain("Written (live before → sent):");
    expect(run.stdout).toContain('    onboardingStatus: "notOnboarded" → "onboarded"');
    expect(run.stdout).toMatch(/^\[2\/2\] ✓ /m);
  });

  it("the emulator one-liners put it in the background (without &, eval waits forever)", () => {
    const lines = [
      readFileSync(join(EXAMPLES, "tenants.yaml"), "utf8"),
      readFileSync(join(EXAMPLES, ".emulator/seed.yaml"), "utf8"),
    ].flatMap((text) => text.split("\n").filter((line) => line.includes("eval")));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toContain("emulator &)");
  });

  it("says up front that objects are only updated, never created or deleted", async () => {
    const help = await cli(["--help"]);
    expect(help.stdout).toContain("never creates or deletes one");
  });
});
