import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import { emulatorEnv, runCli } from "../helpers/cli.ts";
import { tempConfig, type TempConfig } from "../helpers/config-dir.ts";
import { FLEET_APP, fleetConfig, fleetSeed, fleetTenantName } from "../helpers/fleet.ts";

/**
 * `intune-gitops report` over a generated 500-tenant fleet: the emulator serves it over HTTPS, the
 * CLI plans it in two shards (--format json, as the drift job does) and the report groups the
 * deviations exactly: 42 drifted tenants, 40 holding notOnboarded and 2 onboarding (whose
 * requests expire within the health threshold), 3 tenants that cannot sign in.
 */
const NOW = "2026-12-07T12:00:00Z";
const drifted = new Set(Array.from({ length: 42 }, (_, index) => index * 11 + 4));
const onboarding = [4, 15];
const broken = new Set([100, 250, 499]);
const options = { count: 500, drifted, broken };

describe("the fleet report (CLI against a 500-tenant emulator)", () => {
  let emulator: Emulator;
  let work: TempConfig;
  const shards: string[] = [];

  beforeAll(async () => {
    const seed = fleetSeed(options);
    // Two of the drifted tenants are half-way: onboarding, their request expiring in 24 h.
    const tenants = seed.tenants.map((tenant, index) =>
      onboarding.includes(index)
        ? {
            ...tenant,
            remoteAssistancePartners: (tenant.remoteAssistancePartners ?? []).map((partner) => ({
              ...partner,
              onboardingStatus: "onboarding",
              onboardingRequestExpiryDateTime: "2026-12-08T12:00:00Z",
            })),
          }
        : tenant,
    );
    emulator = await startEmulator({ port: 0, seed: { tenants } });
    work = tempConfig();
    for (const [file, text] of Object.entries(fleetConfig(options))) work.write(file, text);
    for (const shard of ["1/2", "2/2"]) {
      const run = await runCli(
        ["plan", "--config", ".", "--format", "json", "--shard", shard, "--no-attribution"],
        {
          env: {
            ...emulatorEnv(emulator),
            FLEET_SECRET: FLEET_APP.secret,
            INTUNE_GITOPS_NOW: NOW,
          },
          cwd: work.dir,
          timeoutMs: 240_000,
        },
      );
      expect(run.code, run.stderr.slice(0, 2000)).toBe(1); // the broken tenants
      const file = `shard-${shard.replace("/", "-of-")}.json`;
      work.write(file, run.stdout);
      shards.push(file);
    }
  }, 400_000);

  afterAll(async () => {
    await emulator?.close();
    work?.cleanup();
  });

  const report = (format: string) =>
    runCli(["report", "--format", format, ...shards], { cwd: work.dir });

  it("groups each property's deviations by live value, with exact counts over the tenants compared", async () => {
    const run = await report("json");
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.tenants).toBe(500);
    expect(json.unchecked_tenants).toEqual([100, 250, 499].map(fleetTenantName));
    const notOnboarded = [...drifted]
      .filter((index) => !onboarding.includes(index))
      .sort((a, b) => a - b)
      .map(fleetTenantName);
    expect(json.objects).toEqual([
      {
        object: "remoteAssistancePartner.teamviewer",
        compared: 497,
        deviating: 42,
        properties: [
          {
            property: "onboardingStatus",
            desired: ["onboarded"],
            deviating: 42,
            values: [
              { value: "notOnboarded", count: 40, tenants: notOnboarded.slice(0, 10) },
              { value: "onboarding", count: 2, tenants: onboarding.map(fleetTenantName) },
            ],
          },
        ],
      },
    ]);
    expect(json.health).toEqual({
      findings: 2,
      tenants: 2,
      groups: [
        {
          object: "remoteAssistancePartner.teamviewer",
          property: "onboardingRequestExpiryDateTime",
          code: "expiring",
          count: 2,
          tenants: onboarding.map(fleetTenantName),
        },
      ],
    });
  });

  it("reads as one page in text and Markdown", async () => {
    const text = await report("text");
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      "500 tenants planned, 3 could not be (fully) checked; 1 declared object deviates somewhere.",
    );
    expect(text.stdout).toContain(
      'remoteAssistancePartner.teamviewer: deviates in 42 of 497 tenants\n  onboardingStatus: 42 of 497 tenants (declared "onboarded")\n    "notOnboarded" in 40 tenants: customer-026, customer-037,',
    );
    expect(text.stdout).toContain(", … 30 more\n");
    expect(text.stdout).toContain('    "onboarding" in 2 tenants: customer-004, customer-015\n');
    expect(text.stdout).toContain(
      "Health: 2 findings in 2 tenants (read from the partners, not drift):\n  remoteAssistancePartner.teamviewer onboardingRequestExpiryDateTime expiring in 2 tenants",
    );
    expect(text.stdout.split("\n").length).toBeLessThan(40);

    const markdown = await report("markdown");
    expect(markdown.code).toBe(0);
    expect(markdown.stdout.length).toBeLessThan(65_536);
    expect(markdown.stdout).toContain(
      "#### <code>remoteAssistancePartner.teamviewer</code>: deviates in 42 of 497 tenants",
    );
    expect(markdown.stdout).toContain("- onboardingStatus: 42 of 497 tenants");
  });

  it("refuses a file that is not a plan, saying which", async () => {
    work.write("not-a-plan.json", "{}");
    const run = await runCli(["report", "not-a-plan.json"], { cwd: work.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("not-a-plan.json");
  });
});
