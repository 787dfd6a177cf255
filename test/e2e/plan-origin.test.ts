import { execFileSync } from "node:child_process";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { emulatorEnv, runCli, useEmulator } from "../helpers/cli.ts";
import { tempConfig, type TempConfig } from "../helpers/config-dir.ts";

/** A saved plan records when it was made and from which commit; apply and show say so. */
describe("the saved plan's origin (CLI against the emulator)", () => {
  const emulator = useEmulator();
  let work: TempConfig;
  const NOW = "2026-12-07T05:00:00Z";

  beforeEach(() => {
    work?.cleanup();
    work = tempConfig({ fromExamples: true });
  });

  const cli = (args: string[]) =>
    runCli(args, {
      env: { ...emulatorEnv(emulator()), INTUNE_GITOPS_NOW: NOW },
      cwd: work.dir,
      timeoutMs: 60_000,
    });
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: work.dir,
      encoding: "utf8",
    }).trim();
  const savedHeader = () =>
    JSON.parse(readFileSync(join(work.dir, "plan.json"), "utf8")) as Record<string, unknown>;

  it("in a git repository: the time, the commit, and whether the configuration had uncommitted changes", async () => {
    git("init", "-q", "-b", "main");
    work.write(".gitignore", "plan.json\n");
    git("add", "-A");
    git("commit", "-q", "-m", "configuration");
    const head = git("rev-parse", "HEAD");

    expect((await cli(["plan", "--config", ".", "--out", "plan.json"])).code).toBe(0);
    expect(savedHeader()).toMatchObject({
      created_at: "2026-12-07T05:00:00.000Z",
      config_commit: head,
      config_modified: false,
    });
    const shown = await cli(["show", "plan.json"]);
    expect(shown.stderr).toContain(`Plan made 2026-12-07T05:00:00.000Z from commit ${head}.`);
    const applied = await cli(["apply", "plan.json", "--config", "."]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(`Plan made 2026-12-07T05:00:00.000Z from commit ${head}.`);

    // A comment changes no setting, but the files are no longer that commit's.
    appendFileSync(join(work.dir, "remote-assistance.yaml"), "# a note\n");
    expect((await cli(["plan", "--config", ".", "--out", "plan.json"])).code).toBe(0);
    expect(savedHeader()).toMatchObject({ config_commit: head, config_modified: true });
    const json = await cli(["apply", "plan.json", "--config", ".", "--format", "json"]);
    expect(json.stderr).toContain(
      `Plan made 2026-12-07T05:00:00.000Z from commit ${head}, with changes to the configuration not committed.`,
    );
    // stdout stays the JSON document (empty here: the first apply left nothing to do).
    expect(json.stdout).not.toContain("Plan made");
  });

  it("outside a git repository: the time, and no commit", async () => {
    expect((await cli(["plan", "--config", ".", "--out", "plan.json"])).code).toBe(0);
    expect(savedHeader()).toMatchObject({
      created_at: "2026-12-07T05:00:00.000Z",
      config_commit: null,
      config_modified: false,
    });
    const applied = await cli(["apply", "plan.json", "--config", "."]);
    expect(applied.stdout).toContain(
      "Plan made 2026-12-07T05:00:00.000Z from a configuration outside any git repository.",
    );
  });
});
