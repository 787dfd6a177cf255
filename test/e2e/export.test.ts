import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { EXAMPLES, emulatorEnv, runCli, useEmulator } from "../helpers/cli.ts";
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
    // The demo partner nobody set up was left out: 3 more objects, not 4.
    expect(edited.stdout).toContain("Plan: 1 to change, 3 unchanged.");
  });

  it("exports again without declaring anything twice, and --force rewrites byte-identical files", async () => {
    expect((await cli(["export", "--config", ".", "--tenant", "fabrikam"])).code).toBe(0);
    const path = join(work.dir, "fabrikam/device-management-partners.yaml");
    const first = readFileSync(path, "utf8");

    const again = await cli(["export", "--config", ".", "--tenant", "fabrikam"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /skipped deviceManagementPartner "VMware Workspace ONE" in fabrikam: already declared as vmware-workspace-one \(fabrikam\/device-management-partners.yaml:\d+\)/,
    );
    expect(again.stdout).not.toContain("wrote");
    expect(again.stderr).toContain("Nothing new to write");
    expect(existsSync(join(work.dir, "fabrikam/device-management-partners-2.yaml"))).toBe(false);

    writeFileSync(path, "edited by hand\n");
    const forced = await cli(["export", "--config", ".", "--tenant", "fabrikam", "--force"]);
    expect(forced.code).toBe(0);
    expect(readFileSync(path, "utf8")).toBe(first);
  });

  it("exports into an estate (config-examples): skips what it declares, leaves out rows nobody set up, and the result validates", async () => {
    for (const file of ["remote-assistance.yaml", "device-management.yaml"]) {
      work.write(file, readFileSync(join(EXAMPLES, file), "utf8"));
    }
    const run = await cli([
      "export",
      "--config",
      ".",
      "--tenant",
      "contoso",
      "--tenant",
      "fabrikam",
    ]);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(run.code).toBe(0);
    // teamviewer (tenants: all), jamf and workspace-one are declared: listed, not written.
    for (const line of [
      'skipped remoteAssistancePartner "TeamViewer" in contoso: already declared as teamviewer (remote-assistance.yaml:',
      'skipped deviceManagementPartner "Jamf Pro" in contoso: already declared as jamf (device-management.yaml:',
      'skipped remoteAssistancePartner "TeamViewer" in fabrikam: already declared as teamviewer (remote-assistance.yaml:',
      'skipped deviceManagementPartner "VMware Workspace ONE" in fabrikam: already declared as workspace-one (device-management.yaml:',
    ]) {
      expect(run.stdout).toContain(line);
    }
    expect(run.stdout).not.toContain("wrote");
    expect(run.stderr).toContain(
      'Left out 1 row nobody set up (deviceManagementPartner "Microsoft Intune Demo Partner" in fabrikam): pass --include-not-set-up to export them too.',
    );
    expect((await cli(["validate", "--config", "."])).code).toBe(0);

    // A hand-written file where the export would write: the new object goes into a new file.
    mkdirSync(join(work.dir, "fabrikam"));
    work.write("fabrikam/device-management-partners.yaml", "# kept by hand\n");
    const all = await cli([
      "export",
      "--config",
      ".",
      "--tenant",
      "fabrikam",
      "--include-not-set-up",
    ]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("wrote fabrikam/device-management-partners-2.yaml (1 object)");
    expect(all.stderr).not.toContain("Left out");
    expect(readFileSync(join(work.dir, "fabrikam/device-management-partners.yaml"), "utf8")).toBe(
      "# kept by hand\n",
    );
    const written = readFileSync(
      join(work.dir, "fabrikam/device-management-partners-2.yaml"),
      "utf8",
    );
    expect(written).toContain("Microsoft Intune Demo Partner");
    expect(written).not.toContain("VMware");
    const validated = await cli(["validate", "--config", "."]);
    expect(validated.stdout + validated.stderr).not.toMatch(/error/i);
    expect(validated.code).toBe(0);
    // And it plans: no object matched twice, the new one unchanged.
    const planned = await cli(["plan", "--config", ".", "--format", "json"]);
    const plan = JSON.parse(planned.stdout) as { problems: unknown[] };
    expect(plan.problems).toEqual([]);
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
    // out/ is inside the configuration folder: it now declares contoso's objects. Start over.
    rmSync(out, { recursive: true });

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
