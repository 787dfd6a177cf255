import { describe, expect, it } from "vitest";
import type { JsonValue } from "../json.ts";
import type { PropertyType } from "../resources/types.ts";
import {
  DATE_TIME_OFFSET_CASES,
  casesByInstant,
} from "../../test/helpers/date-time-offset-cases.ts";
import { normaliseValue, valuesEqual } from "./normalise.ts";

const date: PropertyType = { kind: "dateTimeOffset" };
const assignments: PropertyType = { kind: "assignments" };
const text: PropertyType = { kind: "string" };
const url: PropertyType = { kind: "url" };
const status: PropertyType = {
  kind: "enum",
  enumType: "remoteAssistanceOnboardingStatus",
  members: ["notOnboarded", "onboarding", "onboarded"],
};

const group = (groupId: string) => ({
  target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
});

describe("normaliseValue / valuesEqual", () => {
  describe("dateTimeOffset", () => {
    it("compares every spelling of an instant in the shared table as equal", () => {
      for (const [utc, texts] of casesByInstant()) {
        for (const text of texts) expect(valuesEqual(date, text, utc, "v1.0"), text).toBe(true);
      }
      expect(valuesEqual(date, "2030-01-31T09:30Z", "2030-01-31T09:30:00.0000000Z", "v1.0")).toBe(
        true,
      );
    });

    it("follows the shared table: instants normalise to UTC, unset to null, the rest as written", () => {
      for (const entry of DATE_TIME_OFFSET_CASES) {
        const expected = entry.verdict === "invalid" ? entry.text : entry.unset ? null : entry.utc;
        expect(normaliseValue(date, entry.text, "beta"), entry.text).toBe(expected);
      }
    });

    it("compares instants, not text", () => {
      expect(
        valuesEqual(
          date,
          "2016-12-31T23:58:36.6670033-08:00",
          "2017-01-01T07:58:36.6670033Z",
          "v1.0",
        ),
      ).toBe(true);
      expect(
        valuesEqual(
          date,
          "2016-12-31T23:58:36.6670033-08:00",
          "2017-01-01T07:58:36.6670034Z",
          "v1.0",
        ),
      ).toBe(false);
      expect(normaliseValue(date, "2016-12-31T23:58:36.6670033-08:00", "beta")).toBe(
        "2017-01-01T07:58:36.6670033Z",
      );
    });

    it("takes 0001-01-01T00:00:00Z for unset, equal to null and to absence", () => {
      for (const unset of [
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00.0000000+00:00",
        null,
        undefined,
      ]) {
        expect(valuesEqual(date, unset, null, "beta"), String(unset)).toBe(true);
        expect(valuesEqual(date, unset, undefined, "beta"), String(unset)).toBe(true);
        expect(valuesEqual(date, unset, "2017-01-01T00:00:00Z", "beta"), String(unset)).toBe(false);
      }
      expect(normaliseValue(date, "0001-01-01T00:00:00-08:00", "v1.0")).toBeNull();
    });

    it("keeps text that is not a DateTimeOffset and compares it exactly", () => {
      expect(normaliseValue(date, "yesterday", "beta")).toBe("yesterday");
      expect(valuesEqual(date, "yesterday", "Yesterday", "beta")).toBe(false);
    });
  });

  describe("assignments", () => {
    it("compares them as sets", () => {
      expect(
        valuesEqual(assignments, [group("a"), group("b")], [group("b"), group("a")], "v1.0"),
      ).toBe(true);
      expect(valuesEqual(assignments, [group("a"), group("a")], [group("a")], "v1.0")).toBe(true);
      expect(valuesEqual(assignments, [group("a")], [group("a"), group("b")], "v1.0")).toBe(false);
      expect(valuesEqual(assignments, [group("a")], [group("A")], "v1.0")).toBe(false);
    });

    it("ignores the wrapper's annotations and keys, and canonicalises the target's @odata.type", () => {
      const asDocumented = [
        {
          "@odata.type": "microsoft.graph.deviceManagementPartnerAssignment",
          target: {
            "@odata.type": "microsoft.graph.configurationManagerCollectionAssignmentTarget",
            collectionId: "Collection Id value",
          },
        },
      ];
      const declared = [
        {
          target: {
            "@odata.type": "#microsoft.graph.configurationManagerCollectionAssignmentTarget",
            collectionId: "Collection Id value",
          },
        },
      ];
      expect(valuesEqual(assignments, asDocumented, declared, "v1.0")).toBe(true);
      expect(normaliseValue(assignments, asDocumented, "v1.0")).toEqual(declared);
    });

    it("tells target types apart", () => {
      const exclusion = [
        {
          target: {
            "@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget",
            groupId: "a",
          },
        },
      ];
      expect(valuesEqual(assignments, exclusion, [group("a")], "beta")).toBe(false);
    });

    it("on beta, takes the default filter values for their absence", () => {
      const withDefaults = [
        {
          target: {
            "@odata.type": "#microsoft.graph.groupAssignmentTarget",
            deviceAndAppManagementAssignmentFilterId: null,
            deviceAndAppManagementAssignmentFilterType: "none",
            groupId: "a",
          },
        },
      ];
      expect(valuesEqual(assignments, withDefaults, [group("a")], "beta")).toBe(true);
      const filtered = [
        {
          target: {
            ...group("a").target,
            deviceAndAppManagementAssignmentFilterId: "f",
            deviceAndAppManagementAssignmentFilterType: "include",
          },
        },
      ];
      expect(valuesEqual(assignments, filtered, [group("a")], "beta")).toBe(false);
    });

    it("ignores a member Graph added to a known target type, not one of an unknown type", () => {
      const added = [{ target: { ...group("a").target, futureTargetSetting: "default" } }];
      expect(valuesEqual(assignments, added, [group("a")], "v1.0")).toBe(true);
      expect(valuesEqual(assignments, added, [group("a")], "beta")).toBe(true);
      const unknownType = (extra: object) => [
        { target: { "@odata.type": "#microsoft.graph.futureTarget", id: "x", ...extra } },
      ];
      expect(valuesEqual(assignments, unknownType({}), unknownType({ y: 1 }), "beta")).toBe(false);
    });

    it("takes a null collection for an empty one", () => {
      expect(valuesEqual(assignments, null, [], "beta")).toBe(true);
      expect(valuesEqual(assignments, undefined, [], "v1.0")).toBe(true);
      expect(valuesEqual(assignments, null, [group("a")], "beta")).toBe(false);
    });

    it("never throws on shapes Graph should not send", () => {
      for (const odd of ["x", 1, [null, 1, "x", [], {}], [{ target: null }], { target: {} }]) {
        expect(() => normaliseValue(assignments, odd, "beta")).not.toThrow();
        expect(valuesEqual(assignments, odd, odd, "beta")).toBe(true);
      }
    });
  });

  describe("strings, URLs, enums, booleans", () => {
    it("compares them exactly", () => {
      expect(valuesEqual(url, "https://example.com/a/", "https://example.com/a", "v1.0")).toBe(
        false,
      );
      expect(valuesEqual(url, "https://example.com/a/", "https://example.com/a/", "v1.0")).toBe(
        true,
      );
      expect(valuesEqual(text, "TeamViewer", "teamviewer", "v1.0")).toBe(false);
      expect(valuesEqual(status, "onboarded", "onboarded", "beta")).toBe(true);
      expect(valuesEqual({ kind: "boolean" }, true, false, "beta")).toBe(false);
      expect(valuesEqual(text, null, undefined, "beta")).toBe(true);
      expect(valuesEqual(text, "", null, "beta")).toBe(false);
      expect(normaliseValue(text, undefined, "beta")).toBeNull();
    });
  });
});

describe("normaliseValue: the exact form, shape by shape", () => {
  const GROUP_TYPE = "#microsoft.graph.groupAssignmentTarget";
  const GUID_UPPER = "7A8B9C0D-1E2F-4A3B-8C4D-5E6F7A8B9C0D";
  const guidText: PropertyType = { kind: "string", holds: "guid" };

  it("lower-cases a GUID only where the property holds GUIDs, and turns absence into null", () => {
    expect(normaliseValue(guidText, GUID_UPPER, "v1.0")).toBe(GUID_UPPER.toLowerCase());
    expect(normaliseValue(text, GUID_UPPER, "v1.0")).toBe(GUID_UPPER);
    expect(normaliseValue(guidText, 7, "v1.0")).toBe(7);
    expect(normaliseValue(guidText, undefined, "v1.0")).toBeNull();
    for (const type of [url, status, { kind: "boolean" } as const]) {
      expect(normaliseValue(type, undefined, "beta")).toBeNull();
      expect(normaliseValue(type, false, "beta")).toBe(false);
    }
  });

  it("keeps a date that is not text as it is, and an absent date is null", () => {
    expect(normaliseValue(date, 20170101, "v1.0")).toBe(20170101);
    expect(normaliseValue(date, undefined, "v1.0")).toBeNull();
    expect(normaliseValue(date, null, "v1.0")).toBeNull();
  });

  it("keeps a collection that is not a list as it is", () => {
    expect(normaliseValue(assignments, { target: {} }, "beta")).toEqual({ target: {} });
    expect(normaliseValue(assignments, "x", "beta")).toBe("x");
  });

  it("keeps elements that are not assignments, without their annotations, in canonical order", () => {
    const odd: JsonValue[] = [
      7,
      "x",
      null,
      { "@odata.type": "#wrapper", id: "w" },
      { target: null, n: 1 },
    ];
    expect(normaliseValue(assignments, odd, "beta")).toEqual([
      "x",
      7,
      null,
      { id: "w" },
      { n: 1, target: null },
    ]);
  });

  it("keeps a non-text @odata.type, drops null members, lower-cases GUID members that are text", () => {
    const targets: JsonValue[] = [
      {
        target: {
          "@odata.type": GROUP_TYPE,
          groupId: GUID_UPPER,
          deviceAndAppManagementAssignmentFilterId: null,
        },
      },
      { target: { "@odata.type": 5, groupId: 12 } },
      { target: { groupId: GUID_UPPER } },
    ];
    expect(normaliseValue(assignments, targets, "beta")).toStrictEqual([
      { target: { "@odata.type": GROUP_TYPE, groupId: GUID_UPPER.toLowerCase() } },
      { target: { "@odata.type": 5, groupId: 12 } },
      { target: { groupId: GUID_UPPER.toLowerCase() } },
    ]);
  });

  it("drops the filter type none only on beta, where it is Graph's default", () => {
    const unknown = "#microsoft.graph.futureTarget";
    const none = { "@odata.type": unknown, deviceAndAppManagementAssignmentFilterType: "none" };
    expect(normaliseValue(assignments, [{ target: none }], "beta")).toEqual([
      { target: { "@odata.type": unknown } },
    ]);
    // v1.0 has no such default: on a target type this tool does not know, the member stays.
    expect(normaliseValue(assignments, [{ target: none }], "v1.0")).toEqual([{ target: none }]);
    const include = { ...none, deviceAndAppManagementAssignmentFilterType: "include" };
    expect(normaliseValue(assignments, [{ target: include }], "beta")).toEqual([
      { target: include },
    ]);
  });

  it("keeps the members of a known target type, and the base ones of its version", () => {
    const onBeta = {
      "@odata.type": GROUP_TYPE,
      groupId: "g",
      deviceAndAppManagementAssignmentFilterId: "f",
      deviceAndAppManagementAssignmentFilterType: "include",
    };
    expect(normaliseValue(assignments, [{ target: onBeta }], "beta")).toEqual([{ target: onBeta }]);
    // v1.0's targets have no filter members: what Graph's beta adds is not compared there.
    expect(normaliseValue(assignments, [{ target: onBeta }], "v1.0")).toEqual([
      { target: { "@odata.type": GROUP_TYPE, groupId: "g" } },
    ]);
  });

  it("case-folds only the GUID members, and drops only the filter type's none", () => {
    const unknown = "#microsoft.graph.futureTarget";
    const target = { "@odata.type": unknown, appId: GUID_UPPER, mode: "none" };
    expect(normaliseValue(assignments, [{ target }], "beta")).toEqual([{ target }]);
  });

  it("shows a live target the same whatever order Graph sends its members in", () => {
    const ordered = {
      "@odata.type": GROUP_TYPE,
      groupId: "g",
      deviceAndAppManagementAssignmentFilterId: "f",
    };
    const reversed = {
      deviceAndAppManagementAssignmentFilterId: "f",
      groupId: "g",
      "@odata.type": GROUP_TYPE,
    };
    expect(JSON.stringify(normaliseValue(assignments, [{ target: reversed }], "beta"))).toBe(
      JSON.stringify(normaliseValue(assignments, [{ target: ordered }], "beta")),
    );
  });
});
