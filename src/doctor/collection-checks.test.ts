import { describe, expect, it } from "vitest";
import type { JsonObject } from "../json.ts";
import { DeviceManagementPartner } from "../resources/device-management-partner.ts";
import { RemoteAssistancePartner } from "../resources/remote-assistance-partner.ts";
import { collectionChecks, selectSubset, type Answer } from "./collection-checks.ts";

const ok = (value: JsonObject[]): Answer => ({ ok: true, body: { value } });
const teamViewer = {
  "@odata.type": "#microsoft.graph.remoteAssistancePartner",
  id: "2d4b6f81-93a5-4c7e-b1d3-5f7a9c1e3b5d",
  displayName: "TeamViewer",
  onboardingUrl: "https://start.teamviewer.com/intune/",
  onboardingStatus: "onboarded",
  lastConnectionDateTime: "0001-01-01T00:00:00Z",
};

function checks(read: Answer, select: Answer, used = true) {
  return collectionChecks({
    resource: RemoteAssistancePartner,
    graphVersion: "v1.0",
    used,
    read,
    select,
    selected: selectSubset(RemoteAssistancePartner, "v1.0"),
  });
}

describe("the doctor's collection checks", () => {
  it("pass when Graph returns what the registry knows and honours $select", () => {
    const selected = { id: teamViewer.id, displayName: "TeamViewer", onboardingUrl: "x" };
    const result = checks(ok([teamViewer]), ok([selected]));
    expect(result.map((check) => [check.id, check.verdict])).toEqual([
      ["read/v1.0/remoteAssistancePartners", "pass"],
      ["select/v1.0/remoteAssistancePartners", "pass"],
      ["schema/v1.0/remoteAssistancePartners", "pass"],
    ]);
  });

  it("the schema watch names properties Graph added and ones it stopped returning", () => {
    const { lastConnectionDateTime: _dropped, ...rest } = teamViewer;
    const result = checks(ok([{ ...rest, sessionRecordingEnabled: true }]), ok([]));
    const schema = result.find((check) => check.id.startsWith("schema/"));
    expect(schema?.verdict).toBe("warn");
    expect(schema?.unknownProperties).toEqual(["sessionRecordingEnabled"]);
    expect(schema?.missingProperties).toEqual(["lastConnectionDateTime"]);
    expect(schema?.detail).toContain("sessionRecordingEnabled");
    expect(schema?.detail).toContain("which intune-gitops does not know");
  });

  it("$select not honoured is a warning naming what came back anyway", () => {
    const result = checks(ok([teamViewer]), ok([teamViewer]));
    const select = result.find((check) => check.id.startsWith("select/"));
    expect(select?.verdict).toBe("warn");
    expect(select?.detail).toBe(
      "asked for id, displayName, onboardingUrl; also got lastConnectionDateTime, onboardingStatus",
    );
  });

  it("a refused read fails in a version the configuration uses, warns in the other", () => {
    const refused: Answer = {
      ok: false,
      failure: { status: 403, code: "Forbidden", message: "GET /v1.0/x: HTTP 403 Forbidden: no" },
    };
    const used = checks(refused, refused, true);
    expect(used.map((check) => check.verdict)).toEqual(["fail", "warn", "warn"]);
    expect(used[0]?.fix).toContain("DeviceManagementServiceConfig.Read.All");
    expect(used[0]?.detail).toBe("GET /v1.0/x: HTTP 403 Forbidden: no");
    const unused = checks(refused, refused, false);
    expect(unused[0]?.verdict).toBe("warn");
    expect(unused[0]?.detail).toContain("the configuration does not use v1.0");
  });

  it("the schema watch looks inside assignment targets too: a new member, a new target type", () => {
    const jamf: JsonObject = {
      id: "8e1f3a5c-7b9d-4f2e-a4c6-1d3f5b7e9a2c",
      displayName: "Jamf Pro",
      groupsRequiringPartnerEnrollment: [
        {
          target: {
            "@odata.type": "#microsoft.graph.groupAssignmentTarget",
            groupId: "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f",
            targetType: "group",
          },
          intent: "apply",
        },
        { target: { "@odata.type": "#microsoft.graph.scopeTagAssignmentTarget" } },
        {
          target: {
            "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
          },
        },
      ],
    };
    const schema = collectionChecks({
      resource: DeviceManagementPartner,
      graphVersion: "v1.0",
      used: true,
      read: ok([jamf]),
      select: ok([]),
      selected: ["id", "displayName"],
    }).find((check) => check.id.startsWith("schema/"));
    expect(schema?.unknownProperties).toEqual([
      "groupsRequiringPartnerEnrollment[].intent",
      "groupsRequiringPartnerEnrollment[].target (#microsoft.graph.scopeTagAssignmentTarget)",
      "groupsRequiringPartnerEnrollment[].target.targetType",
    ]);
  });
});
