import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../json.ts";
import { propertyBehaviour, type PropertyType } from "./registry.ts";

const UPPER_GUID = "4F1C2D3E-8A9B-4C7D-9E0F-1A2B3C4D5E6F";
const GROUP = "#microsoft.graph.groupAssignmentTarget";

describe("propertyBehaviour", () => {
  it("builds each type's behaviour once and hands out the same one after", () => {
    const type: PropertyType = { kind: "dateTimeOffset" };
    expect(propertyBehaviour(type)).toBe(propertyBehaviour(type));
  });

  it("keeps a scalar value as declared when it goes into the desired state", () => {
    expect(propertyBehaviour({ kind: "boolean" }).graphValue(true)).toBe(true);
    expect(propertyBehaviour({ kind: "url" }).graphValue("https://x.example/")).toBe(
      "https://x.example/",
    );
  });
});

describe("a GUID-holding string", () => {
  const guid = propertyBehaviour({ kind: "string", holds: "guid" });

  it("is folded to lower case in every form, and only when it is text", () => {
    expect(guid.normalise(UPPER_GUID, "beta")).toBe(UPPER_GUID.toLowerCase());
    expect(guid.patchValue(UPPER_GUID)).toBe(UPPER_GUID.toLowerCase());
    expect(guid.exportValue(UPPER_GUID, "beta")).toBe(UPPER_GUID.toLowerCase());
    // Whatever Graph sends, normalising never throws: a list that reads like a GUID stays a list.
    expect(guid.normalise([UPPER_GUID], "beta")).toStrictEqual([UPPER_GUID]);
    expect(guid.normalise(undefined, "beta")).toBeNull();
  });
});

describe("a DateTimeOffset", () => {
  const date = propertyBehaviour({ kind: "dateTimeOffset" });

  it("compares and exports text that is not a date as it is, and a value that is not text too", () => {
    expect(date.normalise("soon", "beta")).toBe("soon");
    expect(date.exportValue("soon", "beta")).toBe("soon");
    const listed: JsonValue = ["2026-01-01T00:00:00Z"];
    expect(date.normalise(listed, "beta")).toStrictEqual(listed);
    expect(date.exportValue(listed, "beta")).toStrictEqual(listed);
    expect(date.exportValue(5, "beta")).toBe(5);
  });

  it("exports any spelling of an instant as canonical UTC, and unset as Graph's own", () => {
    expect(date.exportValue("2026-01-01T01:00:00+01:00", "beta")).toBe(
      "2026-01-01T00:00:00.0000000Z",
    );
    expect(date.exportValue("0001-01-01T00:00Z", "beta")).toBe("0001-01-01T00:00:00Z");
    expect(date.normalise("0001-01-01T00:00:00Z", "beta")).toBeNull();
  });
});

describe("an assignment collection", () => {
  const assignments = propertyBehaviour({ kind: "assignments" });

  it("goes into the desired state as { target }, the target's @odata.type first and canonical", () => {
    const declared: JsonValue = [
      {
        "@odata.type": "microsoft.graph.deviceManagementPartnerAssignment",
        target: { groupId: UPPER_GUID, "@odata.type": "microsoft.graph.groupAssignmentTarget" },
      },
    ];
    const value = assignments.graphValue(declared);
    expect(value).toStrictEqual([{ target: { "@odata.type": GROUP, groupId: UPPER_GUID } }]);
    expect(Object.keys((value as { target: object }[])[0]?.target ?? {})).toEqual([
      "@odata.type",
      "groupId",
    ]);
  });

  it("keeps what it cannot read as a target where the desired state holds it", () => {
    expect(assignments.graphValue("all")).toBe("all");
    expect(assignments.graphValue([{ target: "all" }, "x"])).toStrictEqual([
      { target: "all" },
      "x",
    ]);
    // No type declared: none is made up; a type that is not text is kept as it is.
    expect(assignments.graphValue([{ target: { groupId: UPPER_GUID } }])).toStrictEqual([
      { target: { groupId: UPPER_GUID } },
    ]);
    expect(assignments.graphValue([{ target: { "@odata.type": 7 } }])).toStrictEqual([
      { target: { "@odata.type": 7 } },
    ]);
  });

  it("sends GUID members lower-case and leaves members that are not text alone", () => {
    expect(
      assignments.patchValue([
        {
          target: {
            "@odata.type": GROUP,
            groupId: UPPER_GUID,
            deviceAndAppManagementAssignmentFilterId: [UPPER_GUID],
          },
        },
      ]),
    ).toStrictEqual([
      {
        target: {
          "@odata.type": GROUP,
          groupId: UPPER_GUID.toLowerCase(),
          deviceAndAppManagementAssignmentFilterId: [UPPER_GUID],
        },
      },
    ]);
  });

  it("accepts beta's filter members in the configuration, and checks the filter's id", () => {
    const schema = assignments.valueSchema(["beta"]);
    const target = { "@odata.type": GROUP, groupId: UPPER_GUID.toLowerCase() };
    expect(
      schema.safeParse([
        {
          target: {
            ...target,
            deviceAndAppManagementAssignmentFilterId: null,
            deviceAndAppManagementAssignmentFilterType: "include",
          },
        },
      ]).success,
    ).toBe(true);
    expect(
      schema.safeParse([{ target: { ...target, deviceAndAppManagementAssignmentFilterId: "f" } }])
        .success,
    ).toBe(false);
    expect(
      assignments
        .valueSchema(["v1.0"])
        .safeParse([{ target: { ...target, deviceAndAppManagementAssignmentFilterType: "none" } }])
        .success,
    ).toBe(false);
  });
});

describe("an assignment collection Graph garbled", () => {
  it("normalises a GUID member that is a list as it is, without throwing", () => {
    const assignments = propertyBehaviour({ kind: "assignments" });
    expect(
      assignments.normalise([{ target: { "@odata.type": GROUP, groupId: [UPPER_GUID] } }], "beta"),
    ).toStrictEqual([{ target: { "@odata.type": GROUP, groupId: [UPPER_GUID] } }]);
  });
});
