import { describe, expect, it } from "vitest";
import { graphSchemas } from "./metadata-schema.ts";
import { validateEntityPayload } from "./payload-validation.ts";
import { renderEntity } from "./representation.ts";

const schemas = graphSchemas();
const v1 = schemas["v1.0"];
const beta = schemas.beta;
const v1Partners = v1.collections.get("deviceManagementPartners")!;
const betaPartners = beta.collections.get("deviceManagementPartners")!;
const betaRemote = beta.collections.get("remoteAssistancePartners")!;

describe("validateEntityPayload", () => {
  it("stores dates canonically, targets with '#', and drops annotations that carry no state", () => {
    const result = validateEntityPayload(v1, v1Partners, {
      "@odata.type": "microsoft.graph.deviceManagementPartner",
      "@odata.context": "whatever",
      lastHeartbeatDateTime: "2016-12-31T23:59:37.9174975-08:00",
      groupsRequiringPartnerEnrollment: [
        {
          "@odata.type": "microsoft.graph.deviceManagementPartnerAssignment",
          target: { "@odata.type": "microsoft.graph.exclusionGroupAssignmentTarget", groupId: "g" },
        },
      ],
    });
    expect(result).toEqual({
      ok: true,
      value: {
        lastHeartbeatDateTime: "2017-01-01T07:59:37.9174975Z",
        groupsRequiringPartnerEnrollment: [
          {
            target: {
              "@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget",
              groupId: "g",
            },
          },
        ],
      },
    });
  });

  it("knows derived types inherit their base's properties (exclusion targets have groupId)", () => {
    const body = {
      groupsRequiringPartnerEnrollment: [
        {
          target: {
            "@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget",
            groupId: "g",
            deviceAndAppManagementAssignmentFilterType: "exclude",
          },
        },
      ],
    };
    expect(validateEntityPayload(beta, betaPartners, body).ok).toBe(true);
    expect(validateEntityPayload(v1, v1Partners, body)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/deviceAndAppManagementAssignmentFilterType/),
    });
  });

  it("checks the beta-only filter type enum", () => {
    const body = {
      groupsRequiringPartnerEnrollment: [
        {
          target: {
            "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget",
            deviceAndAppManagementAssignmentFilterType: "sometimes",
          },
        },
      ],
    };
    expect(validateEntityPayload(beta, betaPartners, body)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Valid members: exclude, include, none/),
    });
  });

  it("accepts null elements only where the metadata allows them, and nullable strings as null", () => {
    expect(
      validateEntityPayload(v1, v1Partners, {
        groupsRequiringPartnerEnrollment: [null],
        displayName: null,
      }).ok,
    ).toBe(true);
    expect(validateEntityPayload(v1, v1Partners, { isConfigured: null })).toMatchObject({
      ok: false,
    });
  });
});

describe("renderEntity", () => {
  it("shows unset values the way the service does", () => {
    const rendered = renderEntity(beta, betaRemote, { id: "x" });
    expect(rendered).toEqual({
      id: "x",
      displayName: null,
      lastConnectionDateTime: "0001-01-01T00:00:00Z",
      onboardingRequestExpiryDateTime: "0001-01-01T00:00:00Z",
      onboardingStatus: "notOnboarded",
      onboardingUrl: null,
    });
    expect(renderEntity(v1, v1Partners, { id: "y" })).toMatchObject({
      groupsRequiringPartnerEnrollment: [],
      isConfigured: false,
      partnerAppType: "unknown",
      partnerState: "unknown",
    });
  });
});
