import { describe, expect, it } from "vitest";
import type { JsonValue } from "../json.ts";
import {
  collection,
  desiredObject,
  desiredState,
  liveObject,
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
