import { describe, expect, it } from "vitest";
import { useCliScene } from "../helpers/cli-scene.ts";
import { EXAMPLE_TENANTS } from "../helpers/config-dir.ts";

const RA = "/deviceManagement/remoteAssistancePartners";
const DMP = "/deviceManagement/deviceManagementPartners";
const CONTOSO = "6babcaad-604b-40ac-a9d7-9fd97c0b779f";

/** `intune-gitops invoke` as a person or CI runs it, against the emulator over HTTPS. */
describe("invoke (CLI against the emulator)", () => {
  const scene = useCliScene();
  const { emulator, work, graphRequests } = scene;
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    scene.cli(["invoke", ...args, "--config", "."], env);
  /** `invoke ACTION --tenant contoso --object OBJECT ...flags`: the call every test makes. */
  const invoke = (
    action: string,
    object: string,
    flags: readonly string[] = [],
    env: NodeJS.ProcessEnv = {},
  ) => cli([action, "--tenant", "contoso", "--object", object, ...flags], env);
  const posts = () => graphRequests("POST");
  const live = (collection: string, displayName: string) =>
    emulator()
      .objects(CONTOSO, collection)
      .find((object) => object["displayName"] === displayName);

  it("beginOnboarding: previewed, refused without a confirmation, performed with --auto-approve", async () => {
    const refused = await invoke("beginOnboarding", "teamviewer");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      "intune-gitops will invoke beginOnboarding on remoteAssistancePartner[contoso].teamviewer",
    );
    expect(refused.stdout).toContain("What it does: starts onboarding the TeamViewer connector");
    expect(refused.stderr).toMatch(/no terminal to ask.*--auto-approve\. Nothing was sent\./);
    expect(posts()).toHaveLength(0);

    const done = await invoke("beginOnboarding", "teamviewer", ["--auto-approve"]);
    expect(done.stderr).toBe("");
    expect(done.code).toBe(0);
    expect(posts()).toEqual([
      expect.objectContaining({
        path: expect.stringMatching(/^\/beta.*\/beginOnboarding$/),
        status: 204,
      }),
    ]);
    const after = live(RA, "TeamViewer");
    expect(after?.["onboardingStatus"]).toBe("onboarding");
    expect(done.stdout).toContain('onboardingStatus: "notOnboarded" -> "onboarding"');
    const url = after?.["onboardingUrl"];
    const expiry = after?.["onboardingRequestExpiryDateTime"];
    expect(typeof url).toBe("string");
    expect(typeof expiry).toBe("string");
    expect(done.stdout).toContain(`Onboarding URL: ${JSON.stringify(url).slice(1, -1)}`);
    expect(done.stdout).toContain(`Expires:        ${JSON.stringify(expiry).slice(1, -1)}`);
  });

  it("disconnect: performed with --auto-approve, the status goes back to notOnboarded", async () => {
    expect((await invoke("beginOnboarding", "teamviewer", ["--auto-approve"])).code).toBe(0);
    const done = await invoke("disconnect", "teamviewer", ["--auto-approve"]);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('onboardingStatus: "onboarding" -> "notOnboarded"');
    expect(live(RA, "TeamViewer")?.["onboardingStatus"]).toBe("notOnboarded");
  });

  it("terminate: refused without --allow-destructive (nothing sent), then without a confirmation, then performed", async () => {
    const undestructive = await invoke("terminate", "jamf", ["--auto-approve"]);
    expect(undestructive.code).toBe(1);
    expect(undestructive.stderr).toMatch(/terminate cannot be undone/);
    expect(undestructive.stderr).toMatch(/90 days/);
    expect(undestructive.stderr).toMatch(/--allow-destructive\. Nothing was sent\./);
    expect(graphRequests()).toHaveLength(0);

    const unconfirmed = await invoke("terminate", "jamf", ["--allow-destructive"]);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stdout).toContain("cannot be undone");
    expect(posts()).toHaveLength(0);
    expect(live(DMP, "Jamf Pro")?.["partnerState"]).not.toBe("terminated");

    const done = await invoke("terminate", "jamf", ["--allow-destructive", "--auto-approve"]);
    expect(done.code).toBe(0);
    const after = live(DMP, "Jamf Pro");
    expect(after).toMatchObject({ partnerState: "terminated", isConfigured: false });
    expect(done.stdout).toMatch(/partnerState: "\w+" -> "terminated"/);
    // The devices' removal date is set by the termination and shown.
    const removal = JSON.stringify(after?.["whenPartnerDevicesWillBeRemovedDateTime"]);
    expect(done.stdout).toMatch(/whenPartnerDevicesWillBeRemovedDateTime: .* -> "/);
    expect(done.stdout).toContain(` -> ${removal}`);
  });

  it("refuses beginOnboarding in a US government cloud before signing in", async () => {
    work().write(
      "tenants.yaml",
      EXAMPLE_TENANTS.replace("graphVersion: beta", "graphVersion: beta\n  cloud: usgov"),
    );
    const run = await invoke("beginOnboarding", "teamviewer", ["--auto-approve"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /usgov cloud, and TeamViewer is not supported in the US government clouds/,
    );
    expect(emulator().requests).toHaveLength(0);
  });

  it("stops at the permission preflight for a read-only app: nothing is read or sent", async () => {
    work().write(
      "tenants.yaml",
      EXAMPLE_TENANTS.replace(
        /auth: \{ method: clientSecret[^}]*\}/,
        "auth: { method: environment }",
      ),
    );
    const run = await invoke("disconnect", "teamviewer", ["--auto-approve"], {
      AZURE_CLIENT_ID: "5e0d6f7a-3b2c-4d1e-8f9a-0b1c2d3e4f5a",
      AZURE_CLIENT_SECRET: "read-only-demo-secret",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("to invoke partner actions (POST) on Graph beta");
    expect(run.stderr).not.toContain("read-only-demo-secret");
    expect(graphRequests()).toHaveLength(0);
  });

  it("explains an unknown action, tenant or object, and a wrong kind", async () => {
    const action = await invoke("terminat", "jamf");
    expect(action.code).toBe(1);
    expect(action.stderr).toContain('unknown action "terminat"; did you mean "terminate"?');
    const wrongKind = await invoke("terminate", "teamviewer");
    expect(wrongKind.stderr).toContain(
      "tenant contoso declares no DeviceManagementPartner of that name (terminate acts on DeviceManagementPartner objects; declared: jamf)",
    );
    const tenant = await cli(["disconnect", "--tenant", "nowhere", "--object", "teamviewer"]);
    expect(tenant.stderr).toContain("--tenant nowhere: no such tenant");
    const missing = await cli(["disconnect", "--object", "teamviewer"]);
    expect(missing.stderr).toContain("--tenant NAME is required");
    expect(emulator().requests).toHaveLength(0);
  });
});
