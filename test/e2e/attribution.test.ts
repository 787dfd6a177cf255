import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCliScene } from "../helpers/cli-scene.ts";
import {
  CONTOSO_TEAMVIEWER as TEAMVIEWER,
  DEMO_APP,
  READ_ONLY_APP,
  http,
  secretToken,
} from "../emulator/helpers.ts";

/**
 * Drift attribution end to end: the CLI against the emulator over HTTPS, which records an audit
 * event for every PATCH it accepts and for a simulated change in the admin center.
 */
const PARTNER_TENANT = "11111111-2222-4333-8444-555555555555";
const AUDIT_PATH = /\/deviceManagement\/auditEvents$/;

function readEvents(file: string): any[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));
}

describe("drift attribution (CLI against the emulator)", () => {
  const { emulator, work, cli, graphRequests } = useCliScene();
  const auditRequests = () =>
    graphRequests("GET").filter((request) => AUDIT_PATH.test(request.path));

  /** Alex, an administrator of a partner tenant (GDAP), sets TeamViewer back to onboarding. */
  const alexChangesTeamViewer = () =>
    emulator().portalChange({
      tenant: "contoso",
      collection: "remoteAssistancePartners",
      id: TEAMVIEWER,
      values: { onboardingStatus: "onboarding" },
      userPrincipalName: "alex@contoso.example",
      remoteTenantId: PARTNER_TENANT,
    });

  it("names the person who made a portal change, in text, Markdown, JSON and the events file", async () => {
    alexChangesTeamViewer();
    const events = join(work().dir, "events.jsonl");

    const text = await cli(["plan", "--events", events]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /~ onboardingStatus: "onboarding" → "onboarded"\n\s+↳ changed \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by alex@contoso\.example \(a person, through Microsoft Intune portal extension, from partner tenant 11111111-2222-4333-8444-555555555555 \(delegated admin\)\): "notOnboarded" → "onboarding"/,
    );
    // Jamf drifted with nobody in the log: said so, not guessed.
    expect(text.stdout).toMatch(
      /groupsRequiringPartnerEnrollment:[\s\S]*↳ no change logged in Intune's audit log in the last 30 days/,
    );
    // One listing per drifted (tenant, audit component); fabrikam has no drift and costs nothing.
    const audits = auditRequests();
    expect(audits.map((request) => request.query["$filter"]).sort()).toEqual([
      expect.stringMatching(
        /^activityDateTime ge \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ and componentName eq 'Enrollment'$/,
      ),
      expect.stringMatching(/^activityDateTime ge \S+ and componentName eq 'ManagedDevices'$/),
    ]);
    expect(audits.every((request) => request.path.startsWith("/beta/"))).toBe(true);

    const lines = readEvents(events);
    const drift = lines.find((event) => event.property === "onboardingStatus");
    expect(drift).toMatchObject({
      format_version: 1,
      kind: "drift",
      tenant: "contoso",
      object: "remoteAssistancePartner[contoso].teamviewer",
      before: "onboarding",
      after: "onboarded",
      mode: "manage",
      actor: {
        type: "user",
        name: "alex@contoso.example",
        user_principal_name: "alex@contoso.example",
        application_name: "Microsoft Intune portal extension",
        remote_tenant_id: PARTNER_TENANT,
        by_this_tool: null,
      },
    });
    expect(
      lines.find((event) => event.property === "groupsRequiringPartnerEnrollment"),
    ).toMatchObject({
      kind: "drift",
      actor: null,
    });
    // Two drift events; the seed's stale heartbeats are health events, apart (health.test.ts).
    expect(lines.filter((event) => event.kind === "drift")).toHaveLength(2);
    expect(lines.filter((event) => event.kind !== "drift" && event.kind !== "health")).toEqual([]);

    const markdown = await cli(["plan", "--format", "markdown"]);
    expect(markdown.code, markdown.stderr).toBe(0);
    expect(markdown.stdout).toContain(
      "#### Last change of each drifted property (Intune audit log, last 30 days)",
    );
    expect(markdown.stdout).toMatch(
      /<code>remoteAssistancePartner&#91;contoso&#93;\.teamviewer<\/code> <code>onboardingStatus<\/code>: changed .* UTC by alex&#64;contoso\.example \(a person, through Microsoft Intune portal extension, from partner tenant 11111111-2222-4333-8444-555555555555 \(delegated admin\)\)&#58; "notOnboarded" → "onboarding"/,
    );

    const machine = await cli(["plan", "--format", "json", "--attribution-window", "7d"]);
    expect(machine.code, machine.stderr).toBe(0);
    const document = JSON.parse(machine.stdout);
    expect(document.attribution).toMatchObject({
      window_days: 7,
      missing_permission: null,
      gaps: [],
    });
    const entry = document.attribution.properties.find(
      (property: any) => property.property === "onboardingStatus",
    );
    expect(entry).toMatchObject({
      address: "remoteAssistancePartner[contoso].teamviewer",
      tenant: "contoso",
      last_change: {
        actor: {
          type: "user",
          name: "alex@contoso.example",
          user_principal_name: "alex@contoso.example",
          remote_tenant_id: PARTNER_TENANT,
        },
        old_value: "notOnboarded",
        new_value: "onboarding",
        property_listed: true,
        by_this_tool: null,
      },
    });
  });

  it("recognises a change made by apply as its own, and says which rule matched", async () => {
    const applied = join(work().dir, "applied.jsonl");
    const apply = await cli(["apply", "--auto-approve", "--events", applied]);
    expect(apply.code, apply.stderr).toBe(0);
    const appliedEvents = readEvents(applied);
    expect(appliedEvents.filter((event) => event.kind === "applied")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          tenant: "contoso",
          object: "remoteAssistancePartner[contoso].teamviewer",
          property: "onboardingStatus",
          before: "notOnboarded",
          after: "onboarded",
          verified: true,
          actor: expect.objectContaining({ name: "intune-gitops", by_this_tool: "this-run" }),
        }),
      ]),
    );
    expect(appliedEvents.filter((event) => event.kind === "drift")).toHaveLength(2);

    // The configuration now wants TeamViewer back as it was: the live value is apply's doing.
    const config = readFileSync(join(work().dir, "remote-assistance.yaml"), "utf8");
    work().write(
      "remote-assistance.yaml",
      config.replace("onboardingStatus: onboarded", "onboardingStatus: notOnboarded"),
    );
    const plan = await cli(["plan"]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(
      /~ onboardingStatus: "onboarded" → "notOnboarded"\n\s+↳ changed .* UTC by intune-gitops \(this tool, as intune-gitops demo; recognised by its client-request-id\): "notOnboarded" → "onboarded"/,
    );

    // Another client with the same app and its own client-request-id: matched by app id only.
    const status = await patchAsDemoApp({ onboardingUrl: "https://start.teamviewer.com/other/" });
    expect(status).toBe(204);
    const machine = await cli(["plan", "--format", "json"]);
    const url = JSON.parse(machine.stdout).attribution.properties.find(
      (property: any) => property.property === "onboardingUrl",
    );
    expect(url.last_change).toMatchObject({
      by_this_tool: "app-id",
      actor: { type: "application", name: "intune-gitops demo" },
    });
    const text = await cli(["plan"]);
    expect(text.stdout).toContain(
      "recognised by the app id and time only: the client-request-id did not match",
    );
  });

  it("without the audit permission: one notice naming the permission, and a normal plan", async () => {
    alexChangesTeamViewer();
    const tenants = readFileSync(join(work().dir, "tenants.yaml"), "utf8");
    work().write("tenants.yaml", tenants.replaceAll(DEMO_APP.clientId, READ_ONLY_APP.clientId));
    const run = await cli(["plan", "--tenant", "contoso", "--detailed-exitcode"], {
      AZURE_CLIENT_SECRET: READ_ONLY_APP.secret ?? "",
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toContain('~ onboardingStatus: "onboarding" → "onboarded"');
    expect(run.stdout).toContain("Plan: 2 to change");
    const output = run.stdout + run.stderr;
    expect(output.match(/DeviceManagementApps\.Read\.All/g)).toHaveLength(1);
    expect(run.stdout).toMatch(
      /! Attribution: tenant contoso: attribution unavailable: the app cannot read Intune's audit log: add the Microsoft Graph permission DeviceManagementApps\.Read\.All/,
    );
    expect(run.stdout).not.toContain("↳");
    // The token said so: not even a refused request.
    expect(auditRequests()).toEqual([]);
  });

  it("a 403 from Graph itself is the same one notice", async () => {
    alexChangesTeamViewer();
    emulator().setFaults([{ path: "auditEvents", fault: { kind: "status", status: 403 } }]);
    const run = await cli(["plan", "--format", "json"]);
    expect(run.code, run.stderr).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document.summary.to_change).toBe(2);
    expect(document.attribution.missing_permission).toBe("DeviceManagementApps.Read.All");
    expect(document.attribution.gaps).toEqual([
      expect.objectContaining({ tenant: "contoso", reason: "permission" }),
    ]);
    expect(auditRequests().length).toBeGreaterThan(0);
  });

  it("a tenant without drift sends no audit request, and --no-attribution none at all", async () => {
    const clean = await cli(["plan", "--tenant", "fabrikam", "--detailed-exitcode"]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(auditRequests()).toEqual([]);

    alexChangesTeamViewer();
    const off = await cli(["plan", "--no-attribution", "--format", "json"]);
    expect(off.code, off.stderr).toBe(0);
    expect(JSON.parse(off.stdout).attribution).toBeNull();
    expect(auditRequests()).toEqual([]);
  });

  /** A PATCH as the demo app from outside the tool, with a client-request-id of its own. */
  async function patchAsDemoApp(values: Record<string, unknown>): Promise<number> {
    const token = await secretToken(emulator());
    const response = await http(
      emulator(),
      "PATCH",
      `/beta/deviceManagement/remoteAssistancePartners/${TEAMVIEWER}`,
      { token, body: values, headers: { "client-request-id": randomUUID() } },
    );
    return response.status;
  }
});
