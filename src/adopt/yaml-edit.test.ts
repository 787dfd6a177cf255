import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { editSpecValues } from "./yaml-edit.ts";

const FILE = `# partners
apiVersion: intune-gitops/v1
kind: RemoteAssistancePartner
metadata: { name: a, tenants: contoso, match: { displayName: A } }
spec:
  onboardingStatus: onboarded # keep me
  onboardingUrl: "https://a.example/"
---
apiVersion: intune-gitops/v1
kind: DeviceManagementPartner
metadata: { name: b, tenants: contoso, match: { displayName: B } }
spec:
  # the groups
  groupsRequiringPartnerEnrollment:
    - target:
        "@odata.type": "#microsoft.graph.groupAssignmentTarget"
        groupId: 4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f
  partnerAppType: multiTenantApp # last
`;

describe("editSpecValues", () => {
  it("replaces only the value's bytes: comments, quotes and the other document stay", () => {
    const edited = editSpecValues(FILE, [
      { documentLine: 2, property: "onboardingStatus", value: "notOnboarded" },
    ]);
    expect(edited).toBe(FILE.replace("onboarded # keep me", "notOnboarded # keep me"));
  });

  it("writes lists YAML reads back as the value, comments kept", () => {
    const groups = [{ target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } }];
    const edited = editSpecValues(FILE, [
      { documentLine: 9, property: "groupsRequiringPartnerEnrollment", value: groups },
      { documentLine: 9, property: "partnerAppType", value: "singleTenantApp" },
    ]);
    const [, second] = parseAllDocuments(edited);
    expect(second?.toJS()).toMatchObject({
      spec: { groupsRequiringPartnerEnrollment: groups, partnerAppType: "singleTenantApp" },
    });
    expect(edited).toContain("  # the groups\n");
    expect(edited).toContain("partnerAppType: singleTenantApp # last\n");
    expect(edited.split("\n---\n")[0]).toBe(FILE.split("\n---\n")[0]);
  });

  it("writes a block list back as a block list at its indentation: a diff shows only the elements that changed", () => {
    const kept = {
      target: {
        "@odata.type": "#microsoft.graph.groupAssignmentTarget",
        groupId: "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f",
      },
    };
    const added = { target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } };
    const edited = editSpecValues(FILE, [
      { documentLine: 9, property: "groupsRequiringPartnerEnrollment", value: [kept, added] },
    ]);
    expect(edited).toBe(
      FILE.replace(
        "        groupId: 4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f\n",
        '        groupId: 4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f\n    - target:\n        "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"\n',
      ),
    );
  });

  it("keeps a flow list in flow style", () => {
    const flow = FILE.replace(
      /groupsRequiringPartnerEnrollment:\n[\s\S]*?\n {2}partnerAppType/,
      "groupsRequiringPartnerEnrollment: [] # none yet\n  partnerAppType",
    );
    const groups = [{ target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } }];
    const edited = editSpecValues(flow, [
      { documentLine: 9, property: "groupsRequiringPartnerEnrollment", value: groups },
    ]);
    expect(edited).toContain(
      'groupsRequiringPartnerEnrollment: [{"target":{"@odata.type":"#microsoft.graph.allDevicesAssignmentTarget"}}] # none yet\n',
    );
  });

  it("quotes a text YAML would read as something else", () => {
    const edited = editSpecValues(FILE, [
      { documentLine: 2, property: "onboardingStatus", value: "yes: no" },
    ]);
    expect(parseAllDocuments(edited)[0]?.toJS().spec.onboardingStatus).toBe("yes: no");
  });
});
