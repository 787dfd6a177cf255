import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { clearRegisteredSecretsForTests, registerSecret } from "../redact.ts";
import type { LiveObject } from "../live-object.ts";
import { DATE_TIME_OFFSET_CASES } from "../../test/helpers/date-time-offset-cases.ts";
import { exportTenant } from "./exporter.ts";

const teamViewer: LiveObject = {
  id: "a1",
  "@odata.type": "#microsoft.graph.remoteAssistancePartner",
  displayName: "TeamViewer",
  onboardingUrl: "https://start.teamviewer.com/",
  onboardingStatus: "onboarded",
  lastConnectionDateTime: "2026-01-02T03:04:05.1234567Z",
};
const jamf = (id: string, groupId: string): LiveObject => ({
  id,
  displayName: "Jamf Pro",
  partnerAppType: "multiTenantApp",
  singleTenantAppId: null,
  partnerState: "enabled",
  groupsRequiringPartnerEnrollment: [
    {
      "@odata.type": "#microsoft.graph.deviceManagementPartnerAssignment",
      target: {
        "@odata.type": "microsoft.graph.groupAssignmentTarget",
        groupId,
        deviceAndAppManagementAssignmentFilterId: null,
        deviceAndAppManagementAssignmentFilterType: "none",
      },
    },
  ],
});

function run(ram: LiveObject[], dmp: LiveObject[], includeServerManaged = false) {
  return exportTenant({
    tenant: "contoso",
    graphVersion: "beta",
    includeServerManaged,
    objectsByKind: new Map([
      ["RemoteAssistancePartner", ram],
      ["DeviceManagementPartner", dmp],
    ]),
  });
}

describe("exportTenant", () => {
  it("writes writable properties only, matched by a unique display name", () => {
    const [file] = run([teamViewer], []);
    expect(file!.path).toBe("contoso/remote-assistance-partners.yaml");
    expect(parse(file!.text)).toEqual({
      apiVersion: "intune-gitops/v1",
      kind: "RemoteAssistancePartner",
      metadata: { name: "teamviewer", tenants: "contoso", match: { displayName: "TeamViewer" } },
      spec: { onboardingUrl: "https://start.teamviewer.com/", onboardingStatus: "onboarded" },
    });
  });

  it("includes server-managed properties when asked", () => {
    const [file] = run([teamViewer], [], true);
    expect(file!.text).toContain("lastConnectionDateTime: 2026-01-02T03:04:05.1234567Z");
  });

  it("writes every valid date of the shared table as its canonical UTC instant", () => {
    for (const entry of DATE_TIME_OFFSET_CASES) {
      if (entry.verdict !== "valid") continue;
      const [file] = run([{ ...teamViewer, lastConnectionDateTime: entry.text }], [], true);
      const written = (parse(file!.text) as { spec: Record<string, unknown> }).spec;
      const expected = entry.unset ? "0001-01-01T00:00:00Z" : entry.utc;
      expect(written["lastConnectionDateTime"], entry.text).toBe(expected);
    }
  });

  it("writes GUIDs lower-case, as Graph returns them and plans compare them", () => {
    const upper = {
      ...jamf("b1", "4F1C2D3E-8A9B-4C7D-9E0F-1A2B3C4D5E6F"),
      singleTenantAppId: "2C6E8A0B-4D1F-4E3A-9B5C-7D8E9F0A1B2C",
    };
    const [file] = run([], [upper]);
    const spec = (parse(file!.text) as { spec: Record<string, unknown> }).spec;
    expect(spec["singleTenantAppId"]).toBe("2c6e8a0b-4d1f-4e3a-9b5c-7d8e9f0a1b2c");
    expect(spec["groupsRequiringPartnerEnrollment"]).toEqual([
      {
        target: {
          "@odata.type": "#microsoft.graph.groupAssignmentTarget",
          groupId: "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f",
        },
      },
    ]);
  });

  it("matches duplicate display names by id, with unique names, and trims annotations", () => {
    const files = run([], [jamf("b2", "g2"), jamf("b1", "g1")]);
    const docs = files[0]!.text.split(/^---$/m).map((text) => parse(text) as Record<string, any>);
    expect(docs.map((doc) => [doc.metadata.name, doc.metadata.match])).toEqual([
      ["jamf-pro", { id: "b1" }],
      ["jamf-pro-2", { id: "b2" }],
    ]);
    expect(docs[0]!.spec.groupsRequiringPartnerEnrollment).toEqual([
      { target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: "g1" } },
    ]);
    expect(docs[0]!.spec).not.toHaveProperty("partnerState");
  });

  it("is byte-identical whatever order Graph listed the objects in", () => {
    const one = run([teamViewer], [jamf("b1", "g1"), jamf("b2", "g2")]);
    const two = run([teamViewer], [jamf("b2", "g2"), jamf("b1", "g1")]);
    expect(two).toEqual(one);
  });

  it("leaves out a value or a display name that holds a registered secret, and says so", () => {
    const token = "opaque-access-token-0123456789";
    registerSecret(token);
    try {
      const [file] = run(
        [
          { ...teamViewer, onboardingUrl: `https://echo.example.com/?t=${token}` },
          { ...teamViewer, id: "a2", displayName: `Named ${token.toUpperCase()}` },
        ],
        [],
      );
      expect(file!.text.toLowerCase()).not.toContain(token);
      expect(file!.withheld).toEqual([
        "remote-assistance-partner-a2.displayName",
        "teamviewer.onboardingUrl",
      ]);
      const [second, first] = parseAllDocuments(file!.text);
      expect(first!.toJS().spec).toEqual({ onboardingStatus: "onboarded" });
      expect(first!.toString()).toContain(
        "# Left out: onboardingUrl. The live value holds a secret",
      );
      expect(second!.toJS().metadata).toEqual({
        name: "remote-assistance-partner-a2",
        tenants: "contoso",
        match: { id: "a2" },
      });
    } finally {
      clearRegisteredSecretsForTests();
    }
  });
});
