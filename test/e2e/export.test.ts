import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { emulatorEnv, runCli, useEmulator } from "../helpers/cli.ts";
import { EXAMPLE_TENANTS, tempConfig, type TempConfig } from "../helpers/config-dir.ts";

/** Start from the tenant you have: export → validate → plan shows no changes; edit → one change. */
describe("export (CLI against the emulator)", () => {
  const emulator = useEmulator();
  let work: TempConfig;

  beforeEach(() => {
    work?.cleanup();
    work = tempConfig();
    work.write("tenants.yaml", EXAMPLE_TENANTS);
  });

  const cli = (args: string[]) => runCli(args, { env: emulatorEnv(emulator()), cwd: work.dir });

  it("round-trips: the export validates and plans to no changes; one edit is one change", async () => {
    const exported = await cli([
      "export",
      "--config",
      ".",
      "--tenant",
      "contoso",
      "--tenant",
      "fabrikam",
    ]);
    expect(exported.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain("wrote contoso/remote-assistance-partners.yaml");
    expect(exported.stdout).toContain("wrote fabrikam/device-management-partners.yaml");

    const validated = await cli(["validate", "--config", "."]);
    expect(validated.code).toBe(0);
    const planned = await cli(["plan", "--config", ".", "--detailed-exitcode"]);
    expect(planned.stdout).toContain("No changes. The tenants match the configuration.");
    expect(planned.code).toBe(0);

    const file = join(work.dir, "contoso/remote-assistance-partners.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "onboardingStatus: notOnboarded",
        "onboardingStatus: onboarded",
      ),
    );
    const edited = await cli(["plan", "--config", ".", "--detailed-exitcode"]);
    expect(edited.code).toBe(2);
    expect(edited.stdout).toContain('~ onboardingStatus: "notOnboarded" → "onboarded"');
    expect(edited.stdout).toContain("Plan: 1 to change, 4 unchanged.");
  });

  it("writes byte-identical files when exported again, and never overwrites without --force", async () => {
    expect((await cli(["export", "--config", ".", "--tenant", "fabrikam"])).code).toBe(0);
    const path = join(work.dir, "fabrikam/device-management-partners.yaml");
    const first = readFileSync(path, "utf8");

    const refused = await cli(["export", "--config", ".", "--tenant", "fabrikam"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not overwriting .*--force/);

    writeFileSync(path, "edited by hand\n");
    const forced = await cli(["export", "--config", ".", "--tenant", "fabrikam", "--force"]);
    expect(forced.code).toBe(0);
    expect(readFileSync(path, "utf8")).toBe(first);
  });

  it("leaves server-managed properties out unless asked", async () => {
    const out = join(work.dir, "out");
    expect(
      (await cli(["export", "--config", ".", "--tenant", "contoso", "--out", "out"])).code,
    ).toBe(0);
    const text = readFileSync(join(out, "contoso/device-management-partners.yaml"), "utf8");
    expect(text).not.toContain("lastHeartbeatDateTime");
    expect(text).toContain("partnerAppType: multiTenantApp");
    expect(existsSync(join(work.dir, "contoso"))).toBe(false);

    const full = await cli([
      "export",
      "--config",
      ".",
      "--tenant",
      "contoso",
      "--out",
      "full",
      "--include-server-managed",
    ]);
    expect(full.code).toBe(0);
    expect(
      readFileSync(join(work.dir, "full/contoso/device-management-partners.yaml"), "utf8"),
    ).toContain("lastHeartbeatDateTime: 2025-03-14T09:26:53.5897932Z");
  });

  it("needs --tenant", async () => {
    const run = await cli(["export", "--config", "."]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/export needs --tenant NAME/);
  });
});
