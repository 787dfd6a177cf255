import { describe, expect, it } from "vitest";
import { change, plan } from "../../test/helpers/plan-builders.ts";
import { UserError } from "../errors.ts";
import type { GraphVersion } from "../resources/types.ts";
import {
  groupByTenant,
  groupChanges,
  inPlanOrder,
  propertyTypeOf,
  refOf,
  showValue,
  tenantOfGroup,
} from "./change-groups.ts";

const RA = "/deviceManagement/remoteAssistancePartners";
const DMP = "/deviceManagement/deviceManagementPartners";

describe("groupChanges", () => {
  const ra = (
    tenant: string,
    name: string,
    declared: string[],
    graphVersion: GraphVersion = "beta",
  ) =>
    change({
      address: `remoteAssistancePartner[${tenant}].${name}`,
      tenant,
      name,
      graphVersion,
      declaredProperties: declared,
    });
  const dmp = (tenant: string, name: string) =>
    change({
      address: `deviceManagementPartner[${tenant}].${name}`,
      kind: "DeviceManagementPartner",
      graphType: "deviceManagementPartner",
      collectionPath: DMP,
      tenant,
      name,
      changes: [{ property: "partnerAppType", before: "unknown", after: "multiTenantApp" }],
      patch: { partnerAppType: "multiTenantApp" },
    });

  it("makes one group per tenant, kind and Graph version, in the order first seen, reading every declared property once", () => {
    const a = ra("contoso", "a", ["onboardingStatus"]);
    const b = dmp("contoso", "b");
    const c = ra("contoso", "c", ["onboardingUrl", "onboardingStatus"]);
    const d = ra("contoso", "d", ["onboardingStatus"], "v1.0");
    const e = ra("fabrikam", "e", ["displayName", "onboardingStatus"]);
    const groups = groupChanges([a, b, c, d, e]);
    expect(
      groups.map((group) => ({
        tenant: group.tenant,
        kind: group.resource.kind,
        graphVersion: group.graphVersion,
        collectionPath: group.collectionPath,
        select: group.select,
        changes: group.changes.map((member) => member.name),
      })),
    ).toEqual([
      {
        tenant: "contoso",
        kind: "RemoteAssistancePartner",
        graphVersion: "beta",
        collectionPath: RA,
        select: ["onboardingStatus", "onboardingUrl"],
        changes: ["a", "c"],
      },
      {
        tenant: "contoso",
        kind: "DeviceManagementPartner",
        graphVersion: "beta",
        collectionPath: DMP,
        select: ["partnerAppType"],
        changes: ["b"],
      },
      {
        tenant: "contoso",
        kind: "RemoteAssistancePartner",
        graphVersion: "v1.0",
        collectionPath: RA,
        select: ["onboardingStatus"],
        changes: ["d"],
      },
      {
        tenant: "fabrikam",
        kind: "RemoteAssistancePartner",
        graphVersion: "beta",
        collectionPath: RA,
        select: ["displayName", "onboardingStatus"],
        changes: ["e"],
      },
    ]);
  });

  it("refuses a kind this version does not know, naming it and the object", () => {
    const unknown = change({ kind: "MysteryPartner" });
    expect(() => groupChanges([unknown])).toThrow(UserError);
    expect(() => groupChanges([unknown])).toThrow(
      "the plan names the unknown kind MysteryPartner (remoteAssistancePartner[contoso].teamviewer): make the plan again with this version",
    );
  });

  it("refuses a property this version does not know, changed or only declared", () => {
    const message =
      "the plan names the unknown property color of RemoteAssistancePartner in Graph beta (remoteAssistancePartner[contoso].teamviewer): make the plan again with this version";
    const changed = change({ changes: [{ property: "color", before: null, after: "red" }] });
    expect(() => groupChanges([changed])).toThrow(UserError);
    expect(() => groupChanges([changed])).toThrow(message);
    const declared = change({ declaredProperties: ["onboardingStatus", "color"] });
    expect(() => groupChanges([declared])).toThrow(message);
    // A property of beta only, in a v1.0 change.
    const betaOnly = change({
      graphVersion: "v1.0",
      declaredProperties: ["onboardingStatus", "onboardingRequestExpiryDateTime"],
    });
    expect(() => groupChanges([betaOnly])).toThrow(
      /unknown property onboardingRequestExpiryDateTime/,
    );
  });
});

describe("the helpers around groups", () => {
  it("propertyTypeOf gives a property's type, and calls an unknown one an internal error", () => {
    expect(propertyTypeOf(change(), "onboardingStatus")).toMatchObject({ kind: "enum" });
    expect(() => propertyTypeOf(change(), "color")).toThrow(
      "internal error: unknown property color of RemoteAssistancePartner",
    );
    expect(() => propertyTypeOf(change({ kind: "MysteryPartner" }), "onboardingStatus")).toThrow(
      "internal error: unknown property onboardingStatus of MysteryPartner",
    );
  });

  it("groupByTenant keeps tenants in order of first appearance, items in order", () => {
    const items = [
      { tenant: "b", n: 1 },
      { tenant: "a", n: 2 },
      { tenant: "b", n: 3 },
    ];
    expect(groupByTenant(items)).toEqual([
      [
        { tenant: "b", n: 1 },
        { tenant: "b", n: 3 },
      ],
      [{ tenant: "a", n: 2 }],
    ]);
    expect(tenantOfGroup(groupByTenant(items)[1]!)).toBe("a");
    expect(tenantOfGroup([])).toBe("");
  });

  it("inPlanOrder keeps the plan's order, whatever the subset's", () => {
    const a = change({ address: "a" });
    const b = change({ address: "b" });
    const c = change({ address: "c" });
    expect(inPlanOrder(plan({ changes: [a, b, c] }), [c, a])).toEqual([a, c]);
  });

  it("refOf names the object a result is about", () => {
    expect(refOf(change())).toStrictEqual({
      address: "remoteAssistancePartner[contoso].teamviewer",
      tenant: "contoso",
      kind: "RemoteAssistancePartner",
      graphVersion: "beta",
      liveId: "7443c8b9-c8b9-7443-b9c8-4374b9c84374",
    });
  });

  it("showValue writes JSON, 'absent' for no value, and cuts what is longer than 120 characters", () => {
    expect(showValue(undefined)).toBe("absent");
    expect(showValue(null)).toBe("null");
    expect(showValue("onboarded")).toBe('"onboarded"');
    const fits = "x".repeat(118); // 120 with its quotes
    expect(showValue(fits)).toBe(`"${fits}"`);
    const long = "y".repeat(119);
    expect(showValue(long)).toBe(`"${"y".repeat(116)}...`);
    expect(showValue(long)).toHaveLength(120);
  });
});
