import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_SEED } from "../helpers/default-seed.ts";
import { useCliScene } from "../helpers/cli-scene.ts";

/**
 * Partner health, apart from drift, end to end: the emulator serves unhealthy partners (a portal
 * change sets their state), the CLI reads them over HTTPS in the plan's own GETs and shows the
 * findings in text, Markdown, JSON, a saved plan and the drift report, never as changes.
 *
 * The clock is fixed (INTUNE_GITOPS_NOW) a day after the seed's heartbeats: contoso's Jamf beat
 * 23.6 h before (healthy under 24 h), fabrikam's Workspace ONE 25.9 h before (stale).
 */
const NOW = "2025-03-15T09:00:00Z";
const EXPIRY = "2025-03-16T09:00:00Z";

describe("partner health (CLI against the emulator)", () => {
  const scene = useCliScene();
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    scene.cli(args, { INTUNE_GITOPS_NOW: NOW, ...env });

  /** Contoso's Jamf terminated and its TeamViewer onboarding (expiring in 24 h), in the portal. */
  function makeUnhealthy(): void {
    scene.emulator().portalChange({
      tenant: "contoso",
      collection: "deviceManagementPartners",
      id: DEFAULT_SEED.contoso.jamfId,
      values: { partnerState: "terminated" },
      userPrincipalName: "admin@contoso.example",
    });
    scene.emulator().portalChange({
      tenant: "contoso",
      collection: "remoteAssistancePartners",
      id: DEFAULT_SEED.contoso.teamViewerId,
      values: { onboardingStatus: "onboarding", onboardingRequestExpiryDateTime: EXPIRY },
      userPrincipalName: "admin@contoso.example",
    });
  }

  it("shows each finding in text, apart from the changes, and the exit code counts only drift", async () => {
    makeUnhealthy();
    const run = await cli(["plan", "--config", ".", "--detailed-exitcode"]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      [
        "Health: 3 findings (read from the partners, never written, not drift):",
        "  ! deviceManagementPartner[contoso].jamf: partnerState is terminated",
        "  ! deviceManagementPartner[fabrikam].workspace-one: last heartbeat 2025-03-14T07:05:17.0000001Z, 25 hours ago (more than 24 h)",
        "  ! remoteAssistancePartner[contoso].teamviewer: onboarding request expires 2025-03-16T09:00:00.0000000Z, in 24 hours (within 72 h)",
      ].join("\n"),
    );
    // The same two changes as without any finding: health is never a change.
    expect(run.stdout).toContain("Plan: 2 to change, 2 unchanged.");
    expect(run.stdout).not.toMatch(/~ partnerState|~ lastHeartbeatDateTime/);
  });

  it("a tenant whose only news is health has no changes: exit 0 with --detailed-exitcode", async () => {
    const run = await cli(["plan", "--config", ".", "--tenant", "fabrikam", "--detailed-exitcode"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "Health: 1 finding (read from the partners, never written, not drift):\n  ! deviceManagementPartner[fabrikam].workspace-one: last heartbeat",
    );
    expect(run.stdout).toContain("No changes.");
    // The tenant's own threshold: 48 h, and the heartbeat is healthy again.
    scene
      .work()
      .write(
        "tenants.yaml",
        readFileSync(join(scene.work().dir, "tenants.yaml"), "utf8").replace(
          "  graphVersion: v1.0\n",
          "  graphVersion: v1.0\n  health:\n    heartbeatMaxAgeHours: 48\n",
        ),
      );
    const relaxed = await cli(["plan", "--config", ".", "--tenant", "fabrikam"]);
    expect(relaxed.code).toBe(0);
    expect(relaxed.stdout).not.toContain("Health");
  });

  it("puts the findings in JSON and Markdown, and in a saved plan that show prints again", async () => {
    makeUnhealthy();
    const json = JSON.parse((await cli(["plan", "--config", ".", "--format", "json"])).stdout);
    expect(json.summary).toMatchObject({ to_change: 2, health: 3 });
    expect(json.health).toEqual([
      {
        address: "deviceManagementPartner[contoso].jamf",
        tenant: "contoso",
        code: "unhealthy-state",
        property: "partnerState",
        value: "terminated",
        threshold_hours: null,
        summary: "partnerState is terminated",
      },
      {
        address: "deviceManagementPartner[fabrikam].workspace-one",
        tenant: "fabrikam",
        code: "stale",
        property: "lastHeartbeatDateTime",
        value: "2025-03-14T07:05:17.0000001Z",
        threshold_hours: 24,
        summary: "last heartbeat 2025-03-14T07:05:17.0000001Z, 25 hours ago (more than 24 h)",
      },
      {
        address: "remoteAssistancePartner[contoso].teamviewer",
        tenant: "contoso",
        code: "expiring",
        property: "onboardingRequestExpiryDateTime",
        value: "2025-03-16T09:00:00.0000000Z",
        threshold_hours: 72,
        summary:
          "onboarding request expires 2025-03-16T09:00:00.0000000Z, in 24 hours (within 72 h)",
      },
    ]);
    expect(json.changes).toHaveLength(2);

    const markdown = (await cli(["plan", "--config", ".", "--format", "markdown"])).stdout;
    expect(markdown).toContain("#### Health: 3 findings (read from the partners, not drift)");
    expect(markdown).toContain(
      // Brackets and colons are escaped, as every value in the Markdown is.
      "| <code>deviceManagementPartner&#91;contoso&#93;.jamf</code> | partnerState is terminated |",
    );
    expect(markdown).toContain("### intune-gitops plan: 2 to change");

    expect((await cli(["plan", "--config", ".", "--out", "plan.json"])).code).toBe(0);
    const shown = await cli(["show", "plan.json"]);
    expect(shown.stdout).toContain("Health: 3 findings");
    expect(shown.stdout).toContain(
      "deviceManagementPartner[contoso].jamf: partnerState is terminated",
    );
  });

  it("the drift report has a Health section; a clean fleet with findings keeps the issue open, not drifted", async () => {
    const plan = await cli(["plan", "--config", ".", "--tenant", "fabrikam", "--format", "json"]);
    scene.work().write("shard.json", plan.stdout);
    const report = JSON.parse(
      (await cli(["drift-report", "--format", "json", "shard.json"])).stdout,
    );
    expect(report).toMatchObject({
      status: "clean",
      issue_action: "open-or-update",
      drifted_tenants: [],
      health_findings: 1,
    });
    expect(report.body).toContain("### intune-gitops drift: none, 1 health finding");
    expect(report.body).toContain("#### Health: 1 finding (read from the partners, not drift)");
    expect(report.body).toContain(
      "| <code>deviceManagementPartner&#91;fabrikam&#93;.workspace-one</code> | last heartbeat 2025-03-14T07&#58;05&#58;17.0000001Z, 25 hours ago (more than 24 h) |",
    );
  });

  it("writes one health event per finding to --events, next to the drift events", async () => {
    makeUnhealthy();
    const file = join(scene.work().dir, "events.jsonl");
    const run = await cli(["plan", "--config", ".", "--events", file]);
    expect(run.code).toBe(0);
    const events = readFileSync(file, "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { kind: string; object: string; code?: string });
    expect(events.filter((event) => event.kind === "drift")).toHaveLength(2);
    expect(
      events.filter((event) => event.kind === "health").map((event) => [event.object, event.code]),
    ).toEqual([
      ["deviceManagementPartner[contoso].jamf", "unhealthy-state"],
      ["deviceManagementPartner[fabrikam].workspace-one", "stale"],
      ["remoteAssistancePartner[contoso].teamviewer", "expiring"],
    ]);
  });

  it("reads health in the plan's own GETs: not one request more", async () => {
    await cli(["plan", "--config", "."]);
    // The partner listings (drift attribution reads the audit log apart, for drifted objects).
    const gets = scene
      .graphRequests("GET")
      .filter((request) => !request.path.includes("/auditEvents"));
    // One listing per tenant, kind and version the configuration uses, as before health.
    expect(gets.map((request) => request.path.replace(/^\/[^/]+/, ""))).toEqual([
      expect.stringMatching(/Partners$/),
      expect.stringMatching(/Partners$/),
      expect.stringMatching(/Partners$/),
      expect.stringMatching(/Partners$/),
    ]);
    const select = gets.map((request) => request.query.$select ?? "");
    expect(select.some((value) => value.includes("lastHeartbeatDateTime"))).toBe(true);
  });
});
