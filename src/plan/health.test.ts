import { describe, expect, it } from "vitest";
import {
  collection,
  desiredObject,
  desiredState,
  liveObject,
  snapshot,
  tenant,
} from "../../test/helpers/plan-builders.ts";
import type { JsonValue } from "../json.ts";
import type { DesiredState } from "../config/model.ts";
import type { GraphVersion } from "../resources/types.ts";
import type { LiveCollection, Plan } from "./model.ts";
import { createPlan } from "./planner.ts";

const NOW = new Date("2026-12-07T12:00:00Z");
const HOUR = 3_600_000;
const at = (hoursFromNow: number): string =>
  new Date(NOW.getTime() + hoursFromNow * HOUR).toISOString();

function jamf(properties: Record<string, JsonValue>) {
  return liveObject("dmp-1", {
    displayName: "Jamf",
    partnerAppType: "multiTenantApp",
    partnerState: "enabled",
    isConfigured: true,
    lastHeartbeatDateTime: at(-1),
    ...properties,
  });
}

function teamviewer(properties: Record<string, JsonValue>) {
  return liveObject("ra-1", {
    displayName: "TeamViewer",
    onboardingUrl: "https://start.teamviewer.com/intune/",
    onboardingStatus: "onboarded",
    lastConnectionDateTime: at(-1),
    onboardingRequestExpiryDateTime: "0001-01-01T00:00:00Z",
    ...properties,
  });
}

/** Plans one declared jamf and one declared teamviewer in contoso against the live objects. */
function planWith(
  live: { jamf?: Record<string, JsonValue>; teamviewer?: Record<string, JsonValue> },
  options: { version?: GraphVersion; desired?: (state: DesiredState) => DesiredState } = {},
): Plan {
  const version = options.version ?? "beta";
  const objects = [
    desiredObject({ graphVersion: version, spec: { onboardingStatus: "onboarded" } }),
    desiredObject({
      kind: "DeviceManagementPartner",
      name: "jamf",
      graphVersion: version,
      match: { by: "displayName", displayName: "Jamf" },
      spec: { partnerAppType: "multiTenantApp" },
    }),
  ];
  const collections: LiveCollection[] = [
    collection([teamviewer(live.teamviewer ?? {})], { graphVersion: version }),
    collection([jamf(live.jamf ?? {})], { kind: "DeviceManagementPartner", graphVersion: version }),
  ];
  const state = desiredState(objects);
  return createPlan({
    desired: options.desired ? options.desired(state) : state,
    live: snapshot(collections),
    toolVersion: "0.1.0",
    now: NOW,
  });
}

describe("health findings", () => {
  it("are absent when every partner is healthy", () => {
    const plan = planWith({});
    expect(plan.health).toBeUndefined();
    expect(plan.changes).toEqual([]);
  });

  it.each(["unavailable", "terminated", "rejected", "unresponsive"])(
    "report partnerState %s, and never as a change",
    (state) => {
      const plan = planWith({ jamf: { partnerState: state } });
      expect(plan.health).toEqual([
        {
          address: "deviceManagementPartner[contoso].jamf",
          tenant: "contoso",
          code: "unhealthy-state",
          property: "partnerState",
          value: state,
          summary: `partnerState is ${state}`,
        },
      ]);
      expect(plan.changes).toEqual([]);
      expect(plan.unchangedCount).toBe(2);
    },
  );

  it.each(["enabled", "unknown"])("leave partnerState %s alone", (state) => {
    expect(planWith({ jamf: { partnerState: state } }).health).toBeUndefined();
  });

  it("report a configured partner's heartbeat older than 24 hours by default", () => {
    expect(planWith({ jamf: { lastHeartbeatDateTime: at(-23.9) } }).health).toBeUndefined();
    const plan = planWith({ jamf: { lastHeartbeatDateTime: at(-50) } });
    expect(plan.health).toEqual([
      {
        address: "deviceManagementPartner[contoso].jamf",
        tenant: "contoso",
        code: "stale",
        property: "lastHeartbeatDateTime",
        value: "2026-12-05T10:00:00.0000000Z",
        thresholdHours: 24,
        summary: "last heartbeat 2026-12-05T10:00:00.0000000Z, 2 days ago (more than 24 h)",
      },
    ]);
  });

  it("report a configured partner that never sent a heartbeat, and ignore one not configured", () => {
    const never = planWith({ jamf: { lastHeartbeatDateTime: "0001-01-01T00:00:00Z" } });
    expect(never.health).toMatchObject([
      {
        code: "stale",
        value: null,
        summary: "no heartbeat recorded (lastHeartbeatDateTime unset)",
      },
    ]);
    const notConfigured = planWith({
      jamf: { isConfigured: false, lastHeartbeatDateTime: at(-500) },
    });
    expect(notConfigured.health).toBeUndefined();
  });

  it("take the tenant's own threshold from spec.health", () => {
    const strict = (state: DesiredState): DesiredState => ({
      ...state,
      tenants: [{ ...tenant("contoso"), health: { heartbeatMaxAgeHours: 2 } }],
    });
    const plan = planWith({ jamf: { lastHeartbeatDateTime: at(-3) } }, { desired: strict });
    expect(plan.health).toMatchObject([
      { code: "stale", thresholdHours: 2, summary: expect.stringContaining("(more than 2 h)") },
    ]);
  });

  it("report an onboarding request that expired or expires within 72 hours by default", () => {
    const expired = planWith({
      teamviewer: { onboardingStatus: "onboarding", onboardingRequestExpiryDateTime: at(-5) },
    });
    expect(expired.health).toEqual([
      {
        address: "remoteAssistancePartner[contoso].teamviewer",
        tenant: "contoso",
        code: "expired",
        property: "onboardingRequestExpiryDateTime",
        value: "2026-12-07T07:00:00.0000000Z",
        thresholdHours: 72,
        summary: "onboarding request expired 2026-12-07T07:00:00.0000000Z, 5 hours ago",
      },
    ]);
    // The status differs from the declared one: that is drift, reported as a change, apart.
    expect(expired.changes.map((change) => change.address)).toEqual([
      "remoteAssistancePartner[contoso].teamviewer",
    ]);
    const expiring = planWith({
      teamviewer: { onboardingStatus: "onboarding", onboardingRequestExpiryDateTime: at(48) },
    });
    expect(expiring.health).toMatchObject([
      {
        code: "expiring",
        summary: "onboarding request expires 2026-12-09T12:00:00.0000000Z, in 2 days (within 72 h)",
      },
    ]);
    const later = planWith({
      teamviewer: { onboardingStatus: "onboarding", onboardingRequestExpiryDateTime: at(100) },
    });
    expect(later.health).toBeUndefined();
  });

  it("ignore an onboarding expiry unless the status is onboarding", () => {
    const plan = planWith({
      teamviewer: { onboardingStatus: "onboarded", onboardingRequestExpiryDateTime: at(-5) },
    });
    expect(plan.health).toBeUndefined();
  });

  it("skip a check whose property the Graph version lacks (the expiry is beta only)", () => {
    const plan = planWith(
      { teamviewer: { onboardingStatus: "onboarding", onboardingRequestExpiryDateTime: at(-5) } },
      { version: "v1.0" },
    );
    expect(plan.health).toBeUndefined();
  });

  it("sort findings by address, then property", () => {
    const plan = planWith({
      jamf: { partnerState: "terminated", lastHeartbeatDateTime: at(-30) },
      teamviewer: { onboardingStatus: "onboarding", onboardingRequestExpiryDateTime: at(1) },
    });
    expect(plan.health?.map((finding) => [finding.address, finding.property])).toEqual([
      ["deviceManagementPartner[contoso].jamf", "lastHeartbeatDateTime"],
      ["deviceManagementPartner[contoso].jamf", "partnerState"],
      ["remoteAssistancePartner[contoso].teamviewer", "onboardingRequestExpiryDateTime"],
    ]);
  });
});

describe("health findings at their edges", () => {
  const heartbeat = (hoursAgo: number, desired?: (state: DesiredState) => DesiredState) =>
    planWith({ jamf: { lastHeartbeatDateTime: at(-hoursAgo) } }, { desired }).health?.map(
      (finding) => finding.summary,
    );
  const expiry = (hoursFromNow: number) =>
    planWith({
      teamviewer: {
        onboardingStatus: "onboarding",
        onboardingRequestExpiryDateTime: at(hoursFromNow),
      },
    }).health?.map((finding) => `${finding.code}: ${finding.summary}`);
  const withSettings =
    (health: Record<string, number>) =>
    (state: DesiredState): DesiredState => ({
      ...state,
      tenants: [{ ...tenant("contoso"), health }],
    });

  it("report a heartbeat just past the threshold, not one exactly at it, in hours below two days", () => {
    expect(heartbeat(24)).toBeUndefined();
    expect(heartbeat(24 + 1 / 60)).toEqual([
      "last heartbeat 2026-12-06T11:59:00.0000000Z, 24 hours ago (more than 24 h)",
    ]);
    expect(heartbeat(47.99)).toEqual([
      "last heartbeat 2026-12-05T12:00:36.0000000Z, 47 hours ago (more than 24 h)",
    ]);
    expect(heartbeat(48)).toEqual([
      "last heartbeat 2026-12-05T12:00:00.0000000Z, 2 days ago (more than 24 h)",
    ]);
    expect(heartbeat(71.9)).toEqual([
      "last heartbeat 2026-12-04T12:06:00.0000000Z, 2 days ago (more than 24 h)",
    ]);
  });

  it("count minutes below an hour, one minute and one hour in the singular", () => {
    const strict = withSettings({ heartbeatMaxAgeHours: 0.5 });
    expect(heartbeat(29 / 60, strict)).toBeUndefined();
    expect(heartbeat(31 / 60, strict)).toEqual([
      "last heartbeat 2026-12-07T11:29:00.0000000Z, 31 minutes ago (more than 0.5 h)",
    ]);
    expect(heartbeat(59.9 / 60, strict)).toEqual([
      "last heartbeat 2026-12-07T11:00:06.0000000Z, 59 minutes ago (more than 0.5 h)",
    ]);
    expect(heartbeat(1, strict)).toEqual([
      "last heartbeat 2026-12-07T11:00:00.0000000Z, 1 hour ago (more than 0.5 h)",
    ]);
    expect(heartbeat(1.99, strict)).toEqual([
      "last heartbeat 2026-12-07T10:00:36.0000000Z, 1 hour ago (more than 0.5 h)",
    ]);
    expect(expiry(-1 / 60)).toEqual([
      "expired: onboarding request expired 2026-12-07T11:59:00.0000000Z, 1 minute ago",
    ]);
  });

  it("take an expiry at this very instant as expired, and one exactly at the threshold as expiring", () => {
    expect(expiry(0)).toEqual([
      "expired: onboarding request expired 2026-12-07T12:00:00.0000000Z, 0 minutes ago",
    ]);
    expect(expiry(72)).toEqual([
      "expiring: onboarding request expires 2026-12-10T12:00:00.0000000Z, in 3 days (within 72 h)",
    ]);
    expect(expiry(72 + 1 / 60)).toBeUndefined();
    expect(expiry(1)).toEqual([
      "expiring: onboarding request expires 2026-12-07T13:00:00.0000000Z, in 1 hour (within 72 h)",
    ]);
  });

  it("read a heartbeat that is not a date as none recorded, and an expiry that is not one as unset", () => {
    expect(planWith({ jamf: { lastHeartbeatDateTime: "yesterday" } }).health).toEqual([
      {
        address: "deviceManagementPartner[contoso].jamf",
        tenant: "contoso",
        code: "stale",
        property: "lastHeartbeatDateTime",
        value: "yesterday",
        thresholdHours: 24,
        summary: "no heartbeat recorded (lastHeartbeatDateTime unset)",
      },
    ]);
    expect(
      planWith({ jamf: { lastHeartbeatDateTime: null, partnerState: null } }).health,
    ).toMatchObject([{ code: "stale", value: null }]);
    expect(
      planWith({
        teamviewer: { onboardingStatus: "onboarding", onboardingRequestExpiryDateTime: "soon" },
      }).health,
    ).toBeUndefined();
  });

  it("use a tenant's setting for its own check only, and the default for the others", () => {
    const other = withSettings({ onboardingExpiryWarningHours: 200 });
    expect(heartbeat(25, other)).toEqual([
      "last heartbeat 2026-12-06T11:00:00.0000000Z, 25 hours ago (more than 24 h)",
    ]);
    const expiringLater = planWith(
      { teamviewer: { onboardingStatus: "onboarding", onboardingRequestExpiryDateTime: at(100) } },
      { desired: other },
    );
    expect(expiringLater.health).toMatchObject([{ code: "expiring", thresholdHours: 200 }]);
  });
});

describe("health findings on values that are not what Graph documents", () => {
  it("read a heartbeat that is a list, not a date, as none recorded", () => {
    for (const hoursAgo of [1, 50]) {
      expect(
        planWith({ jamf: { lastHeartbeatDateTime: [at(-hoursAgo)] } }).health?.map(
          (finding) => finding.summary,
        ),
      ).toEqual(["no heartbeat recorded (lastHeartbeatDateTime unset)"]);
    }
  });
});
