import { describe, expect, it } from "vitest";
import { graphSchemas } from "./metadata-schema.ts";

const schemas = graphSchemas();

describe("graphSchemas (from Microsoft's metadata)", () => {
  it("serves both partner collections in both versions with their bound actions", () => {
    for (const schema of [schemas["v1.0"], schemas.beta]) {
      expect([...schema.collections.keys()]).toEqual([
        "remoteAssistancePartners",
        "deviceManagementPartners",
      ]);
      expect(schema.collections.get("remoteAssistancePartners")?.actions).toEqual([
        "beginOnboarding",
        "disconnect",
      ]);
      expect(schema.collections.get("deviceManagementPartners")?.actions).toEqual(["terminate"]);
      for (const entity of schema.collections.values())
        expect(entity.properties[0]).toMatchObject({ name: "id", nullable: false });
    }
  });

  it("has onboardingRequestExpiryDateTime (non-nullable) in beta only", () => {
    const names = (version: "v1.0" | "beta") =>
      schemas[version].collections
        .get("remoteAssistancePartners")!
        .properties.map((property) => property.name);
    expect(names("v1.0")).not.toContain("onboardingRequestExpiryDateTime");
    expect(schemas.beta.collections.get("remoteAssistancePartners")!.properties).toContainEqual(
      expect.objectContaining({
        name: "onboardingRequestExpiryDateTime",
        nullable: false,
        type: expect.objectContaining({ kind: "dateTimeOffset" }),
      }),
    );
  });

  it("adds the seed page's two deprecated properties to beta deviceManagementPartner only", () => {
    const deprecated = (version: "v1.0" | "beta") =>
      schemas[version].collections
        .get("deviceManagementPartners")!
        .properties.filter((property) => property.deprecated !== undefined)
        .map((property) => property.name);
    expect(deprecated("v1.0")).toEqual([]);
    expect(deprecated("beta")).toEqual([
      "whenPartnerDevicesWillBeRemoved",
      "whenPartnerDevicesWillBeMarkedAsNonCompliant",
    ]);
  });

  it("resolves the abstract assignment target to its concrete types; filters exist in beta only", () => {
    for (const version of ["v1.0", "beta"] as const) {
      const target = schemas[version].complexTypes.get("deviceAndAppManagementAssignmentTarget")!;
      expect(target.abstract).toBe(true);
      expect([...target.assignableTypes].sort()).toEqual([
        "allDevicesAssignmentTarget",
        "allLicensedUsersAssignmentTarget",
        "configurationManagerCollectionAssignmentTarget",
        "exclusionGroupAssignmentTarget",
        "groupAssignmentTarget",
      ]);
    }
    const properties = (version: "v1.0" | "beta") =>
      schemas[version].complexTypes
        .get("groupAssignmentTarget")!
        .properties.map((property) => property.name);
    expect(properties("v1.0")).toEqual(["groupId"]);
    expect(properties("beta")).toEqual([
      "deviceAndAppManagementAssignmentFilterId",
      "deviceAndAppManagementAssignmentFilterType",
      "groupId",
    ]);
  });

  it("takes enum defaults from the member with value 0", () => {
    const partner = schemas["v1.0"].collections.get("deviceManagementPartners")!;
    const defaults = Object.fromEntries(
      partner.properties.flatMap((property) =>
        property.type.kind === "enum" ? [[property.name, property.type.defaultMember]] : [],
      ),
    );
    expect(defaults).toEqual({ partnerAppType: "unknown", partnerState: "unknown" });
  });
});
