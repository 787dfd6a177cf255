import { describe, expect, it } from "vitest";
import type { JsonValue } from "../json.ts";
import {
  change,
  collection,
  desiredObject,
  desiredState,
  liveObject,
  plan as planOf,
  problem,
  snapshot,
} from "../../test/helpers/plan-builders.ts";
import { betaChecksFor, withholdBetaDataLoss } from "./beta-guard.ts";
import { createPlan } from "./planner.ts";

const JAMF_ID = "d21e377a-377a-d21e-7a37-1ed27a371ed2";
const GROUP_A = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
const GROUP_B = "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f";
const FILTER = "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7";

const group = (groupId: string, filter?: { id: string; type: string }): JsonValue => ({
  target: {
    "@odata.type": "#microsoft.graph.groupAssignmentTarget",
    groupId,
    ...(filter
      ? {
          deviceAndAppManagementAssignmentFilterId: filter.id,
          deviceAndAppManagementAssignmentFilterType: filter.type,
        }
      : {}),
  },
});

const jamf = (targets: JsonValue) =>
  liveObject(JAMF_ID, { displayName: "Jamf Pro", groupsRequiringPartnerEnrollment: targets });

/** A v1.0 plan of jamf declaring `declared`, against v1.0's view of `betaTargets`. */
function v1Plan(declared: JsonValue[], betaTargets: JsonValue[]) {
  const v1View = betaTargets.map((element) => {
    const { target } = element as { target: Record<string, JsonValue> };
    return { target: { "@odata.type": target["@odata.type"]!, groupId: target["groupId"]! } };
  });
  return createPlan({
    desired: desiredState([
      desiredObject({
        kind: "DeviceManagementPartner",
        name: "jamf",
        graphVersion: "v1.0",
        match: { by: "displayName", displayName: "Jamf Pro" },
        spec: { groupsRequiringPartnerEnrollment: declared },
      }),
    ]),
    live: snapshot([
      collection([jamf(v1View)], { kind: "DeviceManagementPartner", graphVersion: "v1.0" }),
    ]),
    toolVersion: "0.1.0",
  });
}

const beta = (targets: JsonValue[]) =>
  snapshot([
    collection([jamf(targets)], { kind: "DeviceManagementPartner", graphVersion: "beta" }),
  ]);

describe("withholding v1.0 collection writes that would clear beta-only data", () => {
  it("asks for one beta read per tenant and kind, only when a v1.0 collection write is planned", () => {
    const plan = v1Plan([group(GROUP_A), group(GROUP_B)], [group(GROUP_A)]);
    expect(betaChecksFor(plan)).toEqual([
      {
        tenant: "contoso",
        kind: "DeviceManagementPartner",
        collectionPath: "/deviceManagement/deviceManagementPartners",
        properties: ["groupsRequiringPartnerEnrollment"],
      },
    ]);
    expect(betaChecksFor(v1Plan([group(GROUP_A)], [group(GROUP_A)]))).toEqual([]);
  });

  it("withholds the write and says how many filters it would clear", () => {
    const live = [group(GROUP_A, { id: FILTER, type: "include" })];
    const plan = withholdBetaDataLoss(v1Plan([group(GROUP_A), group(GROUP_B)], live), beta(live));
    expect(plan.changes).toEqual([]);
    expect(plan.problems).toEqual([
      {
        code: "would-clear-beta-data",
        tenant: "contoso",
        address: "deviceManagementPartner[contoso].jamf",
        summary:
          "writing groupsRequiringPartnerEnrollment through v1.0 would clear the assignment filter on 1 target",
        detail: expect.stringContaining("Set metadata.graphVersion: beta on this object"),
      },
    ]);
  });

  it("counts a filter type without an id as data, and upper-case GUIDs as the same target", () => {
    const live = [
      group(GROUP_A, { id: FILTER, type: "exclude" }),
      {
        target: {
          "@odata.type": "#microsoft.graph.groupAssignmentTarget",
          groupId: GROUP_B,
          deviceAndAppManagementAssignmentFilterType: "include",
        },
      },
    ];
    const plan = withholdBetaDataLoss(
      v1Plan([group(GROUP_A.toUpperCase()), group(GROUP_B), group(FILTER)], live),
      beta(live),
    );
    expect(plan.problems.map((problem) => problem.summary)).toEqual([
      "writing groupsRequiringPartnerEnrollment through v1.0 would clear the assignment filter on 2 targets",
    ]);
  });

  it("lets the write through when no kept target has a filter", () => {
    const live = [group(GROUP_A, { id: FILTER, type: "include" }), group(GROUP_B)];
    const noFilters = [group(GROUP_A, { id: "", type: "none" })].map(() => group(GROUP_A));
    const unfiltered = v1Plan([group(GROUP_A), group(GROUP_B), group(FILTER)], noFilters);
    expect(withholdBetaDataLoss(unfiltered, beta(noFilters))).toEqual(unfiltered);
    // The filtered target is removed on purpose: its filter goes with it.
    const removing = v1Plan([group(GROUP_B)], live);
    expect(withholdBetaDataLoss(removing, beta(live)).changes).toHaveLength(1);
  });

  it("withholds the write when the beta read failed", () => {
    const live = [group(GROUP_A)];
    const plan = withholdBetaDataLoss(v1Plan([group(GROUP_B)], live), {
      collections: [],
      failures: [
        {
          tenant: "contoso",
          kind: "DeviceManagementPartner",
          graphVersion: "beta",
          message: "403 Forbidden",
        },
      ],
    });
    expect(plan.changes).toEqual([]);
    expect(plan.problems[0]).toMatchObject({
      code: "would-clear-beta-data",
      summary: expect.stringContaining("could not read it through beta"),
    });
  });
});

describe("which writes the beta guard checks, and against what", () => {
  const DMP = {
    kind: "DeviceManagementPartner",
    graphType: "deviceManagementPartner",
    collectionPath: "/deviceManagement/deviceManagementPartners",
  };
  const TARGETS = [group(GROUP_A), group(GROUP_B)];
  const FILTERED = [group(GROUP_A, { id: FILTER, type: "include" })];
  const NOT_WRITTEN_CLEAR =
    "The live targets have assignment filters (set in the Intune portal or through beta), which v1.0 neither shows nor sends. It was not written. Set metadata.graphVersion: beta on this object and state the filters on its targets (deviceAndAppManagementAssignmentFilterId and deviceAndAppManagementAssignmentFilterType), or remove the filters in Intune first.";

  /** A v1.0 change of a partner's assignment groups to `TARGETS`. */
  const groupsChange = (
    tenant: string,
    name: string,
    options: { graphVersion?: "v1.0" | "beta"; liveId?: string } = {},
  ) =>
    change({
      ...DMP,
      address: `deviceManagementPartner[${tenant}].${name}`,
      name,
      tenant,
      graphVersion: options.graphVersion ?? "v1.0",
      liveId: options.liveId ?? JAMF_ID,
      liveDisplayName: "Jamf Pro",
      changes: [{ property: "groupsRequiringPartnerEnrollment", before: [], after: TARGETS }],
      patch: { groupsRequiringPartnerEnrollment: TARGETS },
    });

  const betaRead = (
    tenant: string,
    targets: JsonValue,
    options: { kind?: string; id?: string } = {},
  ) =>
    collection(
      [
        liveObject(options.id ?? JAMF_ID, {
          displayName: "Jamf Pro",
          groupsRequiringPartnerEnrollment: targets,
        }),
      ],
      { tenant, kind: options.kind ?? DMP.kind, graphVersion: "beta" },
    );

  it("asks for one read per tenant and kind, for v1.0 assignment writes only", () => {
    const plan = planOf({
      tenants: ["contoso", "fabrikam", "northwind"],
      changes: [
        groupsChange("contoso", "a"),
        groupsChange("contoso", "b"),
        groupsChange("contoso", "c", { graphVersion: "beta" }),
        groupsChange("northwind", "c", { graphVersion: "beta" }),
        change({
          ...DMP,
          address: "deviceManagementPartner[contoso].d",
          name: "d",
          graphVersion: "v1.0",
          changes: [{ property: "partnerState", before: "unknown", after: "enabled" }],
          patch: { partnerState: "enabled" },
        }),
        groupsChange("fabrikam", "a"),
        change({ graphVersion: "v1.0" }),
      ],
    });
    const check = { kind: DMP.kind, collectionPath: DMP.collectionPath };
    expect(betaChecksFor(plan)).toEqual([
      { tenant: "contoso", ...check, properties: ["groupsRequiringPartnerEnrollment"] },
      { tenant: "fabrikam", ...check, properties: ["groupsRequiringPartnerEnrollment"] },
    ]);
  });

  it("judges each write by its own tenant's and kind's beta read, and its object's id in any case", () => {
    const plan = planOf({
      tenants: ["contoso", "fabrikam"],
      changes: [groupsChange("contoso", "jamf"), groupsChange("fabrikam", "jamf")],
    });
    // contoso's object carries a filter (read with its id in upper case); fabrikam's does not,
    // although another kind in fabrikam has an object with the same id and a filter.
    const beta = snapshot([
      betaRead("contoso", FILTERED, { id: JAMF_ID.toUpperCase() }),
      betaRead("fabrikam", FILTERED, { kind: "RemoteAssistancePartner" }),
      betaRead("fabrikam", [group(GROUP_A)]),
    ]);
    const guarded = withholdBetaDataLoss(plan, beta);
    expect(guarded.changes.map((kept) => kept.address)).toEqual([
      "deviceManagementPartner[fabrikam].jamf",
    ]);
    expect(guarded.problems).toEqual([
      {
        code: "would-clear-beta-data",
        tenant: "contoso",
        address: "deviceManagementPartner[contoso].jamf",
        summary:
          "writing groupsRequiringPartnerEnrollment through v1.0 would clear the assignment filter on 1 target",
        detail: NOT_WRITTEN_CLEAR,
      },
    ]);
  });

  it("lets a write through when its object is not in the beta read, or has no targets there", () => {
    const plan = planOf({ changes: [groupsChange("contoso", "jamf")] });
    const otherObject = snapshot([betaRead("contoso", FILTERED, { id: "other-id" })]);
    expect(withholdBetaDataLoss(plan, otherObject)).toEqual(plan);
    expect(withholdBetaDataLoss(plan, snapshot([betaRead("contoso", null)]))).toEqual(plan);
  });

  it("withholds only the writes of the tenant, and kind, whose beta read failed", () => {
    const plan = planOf({
      tenants: ["contoso", "fabrikam", "northwind"],
      changes: [
        groupsChange("contoso", "jamf"),
        groupsChange("fabrikam", "jamf"),
        groupsChange("northwind", "jamf"),
      ],
    });
    const beta = snapshot(
      [betaRead("fabrikam", [group(GROUP_A)])],
      [
        { tenant: "contoso", graphVersion: "beta", message: "token refused" },
        {
          tenant: "fabrikam",
          kind: "RemoteAssistancePartner",
          graphVersion: "beta",
          message: "403 Forbidden",
        },
        { tenant: "northwind", kind: DMP.kind, graphVersion: "beta", message: "503 Unavailable" },
      ],
    );
    const guarded = withholdBetaDataLoss(plan, beta);
    expect(guarded.changes.map((kept) => kept.tenant)).toEqual(["fabrikam"]);
    const detail =
      "It was not written. Run plan again; if the beta read keeps failing, set metadata.graphVersion: beta on this object.";
    expect(guarded.problems).toEqual([
      {
        code: "would-clear-beta-data",
        tenant: "contoso",
        address: "deviceManagementPartner[contoso].jamf",
        summary:
          "could not read it through beta to check what writing groupsRequiringPartnerEnrollment through v1.0 would clear: token refused",
        detail,
      },
      {
        code: "would-clear-beta-data",
        tenant: "northwind",
        address: "deviceManagementPartner[northwind].jamf",
        summary:
          "could not read it through beta to check what writing groupsRequiringPartnerEnrollment through v1.0 would clear: 503 Unavailable",
        detail,
      },
    ]);
  });

  it("adds its problems to the plan's, in the plan's order, and keeps the other changes as they were", () => {
    const earlier = [
      problem({ tenant: "contoso", address: "remoteAssistancePartner[contoso].teamviewer" }),
      problem({ tenant: "fabrikam", address: "remoteAssistancePartner[fabrikam].teamviewer" }),
    ];
    const rap = change({ graphVersion: "v1.0" });
    const plan = planOf({
      tenants: ["contoso", "fabrikam"],
      changes: [groupsChange("contoso", "jamf"), rap],
      problems: earlier,
    });
    const guarded = withholdBetaDataLoss(plan, snapshot([betaRead("contoso", FILTERED)]));
    expect(guarded.changes).toEqual([rap]);
    expect(guarded.problems.map((each) => `${each.tenant} ${each.address} ${each.code}`)).toEqual([
      "contoso deviceManagementPartner[contoso].jamf would-clear-beta-data",
      "contoso remoteAssistancePartner[contoso].teamviewer not-found",
      "fabrikam remoteAssistancePartner[fabrikam].teamviewer not-found",
    ]);
    expect({ ...guarded, changes: plan.changes, problems: plan.problems }).toEqual(plan);
  });

  it("never withholds a write the beta read does not concern, even in a tenant whose read failed", () => {
    const rap = change({ graphVersion: "v1.0" });
    const betaWrite = groupsChange("contoso", "other", { graphVersion: "beta" });
    const plan = planOf({ changes: [betaWrite, groupsChange("contoso", "jamf"), rap] });
    const failed = snapshot([], [{ tenant: "contoso", graphVersion: "beta", message: "boom" }]);
    const guarded = withholdBetaDataLoss(plan, failed);
    expect(guarded.changes).toEqual([betaWrite, rap]);
    expect(guarded.problems.map((each) => each.address)).toEqual([
      "deviceManagementPartner[contoso].jamf",
    ]);
    // A beta write is never judged against the beta read: it sends the filters itself.
    const filtered = snapshot([betaRead("contoso", FILTERED, { id: betaWrite.liveId })]);
    expect(withholdBetaDataLoss(planOf({ changes: [betaWrite] }), filtered).changes).toEqual([
      betaWrite,
    ]);
  });

  it("does not throw on a beta value that is not a list", () => {
    const plan = planOf({ changes: [groupsChange("contoso", "jamf")] });
    expect(withholdBetaDataLoss(plan, snapshot([betaRead("contoso", "garbled")]))).toEqual(plan);
  });
});
