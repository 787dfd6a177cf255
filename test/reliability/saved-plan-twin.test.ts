import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, sha256Hex } from "../../src/canonical-json.ts";
import { loadConfig } from "../../src/config/loader.ts";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import { EXAMPLES, emulatorEnv, runCli } from "../helpers/cli.ts";
import { EXAMPLE_TENANTS, tempConfig, type TempConfig } from "../helpers/config-dir.ts";
import { DEFAULT_SEED, defaultSeedWithContosoPartners } from "../helpers/default-seed.ts";

/**
 * A saved plan re-aimed at a same-named twin. contoso holds two TeamViewer objects with the same
 * displayName and the same values (so the same fingerprint): `plan` on the real configuration
 * (match by displayName) refuses the match as ambiguous. The attacker plans a configuration that
 * matches one of them by id, dresses the plan up as the real configuration's (its digest, the
 * checksum recomputed) and aims it at the twin. `apply PLANFILE` must re-run the declared match
 * on its fresh read and write nothing to an object that is not that match's unique result.
 */

const TWIN_ID = "0f1e2d3c-4b5a-4968-8776-655443322110";

/** contoso's TeamViewer and a twin: another id, the same displayName and values. */
const seedWithTwin = () =>
  defaultSeedWithContosoPartners(([original, ...others]) => [
    ...(original === undefined ? [] : [original, { ...original, id: TWIN_ID }]),
    ...others,
  ]);

/** The example configuration, but contoso's TeamViewer matched by its id (so it plans). */
const BY_ID = `
apiVersion: intune-gitops/v1
kind: RemoteAssistancePartner
metadata:
  name: teamviewer
  tenants: contoso
  match: { id: ${DEFAULT_SEED.contoso.teamViewerId} }
spec:
  onboardingUrl: https://start.teamviewer.com/intune/
  onboardingStatus: onboarded
`;

interface PlanFile {
  config_digest: string;
  checksum: string;
  plan: { config_digest: string; changes: { address: string; live_id: string }[] };
}

describe("a saved plan re-aimed at a same-named twin", () => {
  let emulator: Emulator;
  let dir: TempConfig;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: seedWithTwin() });
    dir = tempConfig();
  });
  afterAll(async () => {
    dir.cleanup();
    await emulator.close();
  });

  it("plan on the real configuration refuses the match as ambiguous (the premise)", async () => {
    const run = await runCli(["plan", "--config", EXAMPLES], { env: emulatorEnv(emulator) });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(
      /2 live remoteAssistancePartner objects in tenant contoso have displayName "TeamViewer"/,
    );
  });

  it.each([
    ["the twin", TWIN_ID],
    ["the object it was planned for", DEFAULT_SEED.contoso.teamViewerId],
  ])(
    "apply PLANFILE aimed at %s writes nothing: the declared match is not unique",
    async (_what, liveId) => {
      dir.write("tenants.yaml", EXAMPLE_TENANTS);
      dir.write("remote-assistance.yaml", BY_ID);
      const out = join(dir.dir, "plan.json");
      const plan = await runCli(["plan", "--config", dir.dir, "--out", out], {
        env: emulatorEnv(emulator),
      });
      expect(plan.code).toBe(0);
      const file = JSON.parse(readFileSync(out, "utf8")) as PlanFile;
      expect(file.plan.changes.map((change) => change.address)).toEqual([
        "remoteAssistancePartner[contoso].teamviewer",
      ]);
      for (const change of file.plan.changes) change.live_id = liveId;
      const realDigest = (await loadConfig(EXAMPLES)).state?.digest ?? "";
      expect(realDigest).toMatch(/^[0-9a-f]{64}$/);
      file.config_digest = realDigest;
      file.plan.config_digest = realDigest;
      file.checksum = sha256Hex(canonicalJson(file.plan));
      dir.write("forged.json", JSON.stringify(file, null, 2));

      emulator.reset();
      const run = await runCli(["apply", join(dir.dir, "forged.json"), "--config", EXAMPLES], {
        env: emulatorEnv(emulator),
      });
      expect(emulator.requests.filter((entry) => entry.method === "PATCH")).toEqual([]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/Apply refused/);
      expect(run.stdout).toContain(
        `2 live objects have displayName "TeamViewer" (ids ${DEFAULT_SEED.contoso.teamViewerId}, ${TWIN_ID})`,
      );
      expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+|This is a bug/);
    },
  );
});
