import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../json.ts";
import { assignmentDiff, withIdentityOnly } from "./assignment-diff.ts";

const GROUP = "#microsoft.graph.groupAssignmentTarget";
const GROUP_ID = "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f";
const FILTER_ID = "0b7e2c1a-3d4f-4a5b-8c6d-7e8f9a0b1c2d";

function group(filter: Record<string, JsonValue> = {}): JsonValue {
  return { target: { "@odata.type": GROUP, groupId: GROUP_ID, ...filter } };
}

describe("assignmentDiff", () => {
  it("is undefined unless both sides are lists", () => {
    expect(assignmentDiff(null, [])).toBeUndefined();
    expect(assignmentDiff([], "x")).toBeUndefined();
  });

  it("never pairs elements that are not targets: an odd element is removed or added whole", () => {
    expect(assignmentDiff(["odd"], [])).toStrictEqual({
      added: [],
      removed: ["odd"],
      changed: [],
      kept: 0,
    });
    expect(assignmentDiff([{ target: "odd" }], [{ target: "even" }, "other"])).toStrictEqual({
      added: [{ target: "even" }, "other"],
      removed: [{ target: "odd" }],
      changed: [],
      kept: 0,
    });
  });

  it("lists only the fields that differ inside one target, by name, an absent filter type as none", () => {
    const diff = assignmentDiff(
      [group({ deviceAndAppManagementAssignmentFilterType: "include" })],
      [
        group({
          deviceAndAppManagementAssignmentFilterId: FILTER_ID,
          deviceAndAppManagementAssignmentFilterType: "exclude",
        }),
      ],
    );
    expect(diff?.changed.map((change) => change.fields)).toStrictEqual([
      [
        { field: "deviceAndAppManagementAssignmentFilterId", before: null, after: FILTER_ID },
        {
          field: "deviceAndAppManagementAssignmentFilterType",
          before: "include",
          after: "exclude",
        },
      ],
    ]);
    const same = { deviceAndAppManagementAssignmentFilterId: FILTER_ID };
    expect(
      assignmentDiff(
        [group({ ...same })],
        [group({ ...same, deviceAndAppManagementAssignmentFilterType: "include" })],
      )?.changed.map((change) => change.fields),
    ).toStrictEqual([
      [{ field: "deviceAndAppManagementAssignmentFilterType", before: "none", after: "include" }],
    ]);
  });
});

describe("withIdentityOnly", () => {
  it("keeps a target's type and group or collection, not its filter", () => {
    expect(
      withIdentityOnly(
        group({
          deviceAndAppManagementAssignmentFilterId: FILTER_ID,
          deviceAndAppManagementAssignmentFilterType: "include",
        }),
      ),
    ).toStrictEqual(group());
    expect(
      withIdentityOnly({
        target: {
          "@odata.type": "#microsoft.graph.configurationManagerCollectionAssignmentTarget",
          collectionId: "SMS00001",
          deviceAndAppManagementAssignmentFilterType: "none",
        },
      }),
    ).toStrictEqual({
      target: {
        "@odata.type": "#microsoft.graph.configurationManagerCollectionAssignmentTarget",
        collectionId: "SMS00001",
      },
    });
  });

  it("returns an element without a target object as it is", () => {
    expect(withIdentityOnly("odd")).toBe("odd");
    expect(withIdentityOnly({ target: "odd", other: 1 })).toStrictEqual({
      target: "odd",
      other: 1,
    });
  });
});
