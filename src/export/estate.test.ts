import { describe, expect, it } from "vitest";
import type { DesiredObject } from "../config/model.ts";
import type { LiveObject } from "../live-object.ts";
import { DeviceManagementPartner } from "../resources/device-management-partner.ts";
import { RemoteAssistancePartner } from "../resources/remote-assistance-partner.ts";
import { isNotSetUp, sortOutEstate } from "./estate.ts";
import { exportTenant } from "./exporter.ts";

const teamViewer = (fields: Record<string, string | null>): LiveObject => ({
  id: "t1",
  displayName: "TeamViewer",
  ...fields,
});

function declared(
  name: string,
  kind: string,
  tenant: string,
  match: DesiredObject["match"],
): DesiredObject {
  return {
    kind,
    name,
    tenant,
    match,
    graphVersion: "beta",
    spec: {},
    source: { file: "partners.yaml", line: 1, column: 1 },
    propertySources: {},
  };
}

describe("isNotSetUp", () => {
  it("a TeamViewer row never onboarded and without a URL; not one with a URL or onboarded", () => {
    expect(
      isNotSetUp(RemoteAssistancePartner, teamViewer({ onboardingStatus: "notOnboarded" })),
    ).toBe(true);
    expect(
      isNotSetUp(
        RemoteAssistancePartner,
        teamViewer({ onboardingStatus: "notOnboarded", onboardingUrl: "" }),
      ),
    ).toBe(true);
    expect(
      isNotSetUp(
        RemoteAssistancePartner,
        teamViewer({ onboardingStatus: "notOnboarded", onboardingUrl: "https://x.example/" }),
      ),
    ).toBe(false);
    expect(isNotSetUp(RemoteAssistancePartner, teamViewer({ onboardingStatus: "onboarded" }))).toBe(
      false,
    );
  });

  it("a device management partner that is not configured", () => {
    expect(isNotSetUp(DeviceManagementPartner, { id: "d", isConfigured: false })).toBe(true);
    expect(isNotSetUp(DeviceManagementPartner, { id: "d", isConfigured: true })).toBe(false);
  });
});

describe("sortOutEstate", () => {
  const live = new Map<string, readonly LiveObject[]>([
    [
      "RemoteAssistancePartner",
      [
        { id: "t1", displayName: "TeamViewer", onboardingStatus: "onboarded" },
        { id: "t2", displayName: "Other", onboardingStatus: "notOnboarded" },
      ],
    ],
    [
      "DeviceManagementPartner",
      [
        { id: "d1", displayName: "Jamf Pro", isConfigured: true },
        { id: "d2", displayName: "Jamf Pro", isConfigured: true },
      ],
    ],
  ]);

  it("skips what a declared object of the tenant matches, keeps its name taken, and leaves out rows nobody set up", () => {
    const estate = sortOutEstate({
      tenant: "contoso",
      objectsByKind: live,
      declared: [
        declared("teamviewer", "RemoteAssistancePartner", "contoso", {
          by: "displayName",
          displayName: "TeamViewer",
        }),
        declared("jamf-pro", "DeviceManagementPartner", "contoso", { by: "id", id: "d1" }),
        // Another tenant's declarations do not count here.
        declared("jamf", "DeviceManagementPartner", "fabrikam", { by: "id", id: "d2" }),
      ],
      includeNotSetUp: false,
    });
    expect([...estate.skip].sort()).toEqual(["d1", "t1", "t2"]);
    expect(estate.alreadyDeclared.map((entry) => [entry.liveId, entry.declaredAs])).toEqual([
      ["t1", "teamviewer"],
      ["d1", "jamf-pro"],
    ]);
    expect(estate.notSetUp.map((entry) => entry.liveId)).toEqual(["t2"]);

    // What is written: d2 only, named apart from the declared jamf-pro, and matched by id since
    // its display name is shared with the declared d1.
    const [file, ...others] = exportTenant({
      tenant: "contoso",
      graphVersion: "beta",
      objectsByKind: live,
      skip: estate.skip,
      takenNames: estate.takenNames,
    });
    expect(others).toEqual([]);
    expect(file?.objectCount).toBe(1);
    expect(file?.text).toContain("name: jamf-pro-2");
    expect(file?.text).toContain("id: d2");
  });

  it("keeps rows nobody set up when asked", () => {
    const estate = sortOutEstate({
      tenant: "contoso",
      objectsByKind: live,
      declared: [],
      includeNotSetUp: true,
    });
    expect(estate.skip.size).toBe(0);
    expect(estate.notSetUp).toEqual([]);
  });
});
