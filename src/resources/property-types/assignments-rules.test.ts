import { describe, expect, it } from "vitest";
import type { JsonValue } from "../../json.ts";
import { assignmentFindings } from "./assignments-rules.ts";
import type { ValueFinding } from "./behaviour.ts";

const GROUP = "#microsoft.graph.groupAssignmentTarget";
const ALL_DEVICES = "#microsoft.graph.allDevicesAssignmentTarget";
const UPPER = "4F1C2D3E-8A9B-4C7D-9E0F-1A2B3C4D5E6F";

/** Each finding as its code, path and words, the place named as a configuration file would. */
function findings(value: JsonValue) {
  return assignmentFindings(value).map((finding: ValueFinding) => ({
    severity: finding.severity,
    code: finding.code,
    path: finding.path,
    ...finding.text({
      name: (path) => `targets${JSON.stringify(path)}`,
      at: (path) => `line ${String(path[0])}`,
    }),
  }));
}

describe("assignmentFindings", () => {
  it("finds nothing in a value that is not a list, or in elements that are not targets", () => {
    expect(findings("all")).toEqual([]);
    expect(findings(["x", { target: "x" }, "x", { target: "x" }])).toEqual([]);
  });

  it("reports the same target twice as an error naming both places, however its members are ordered and spelt", () => {
    expect(
      findings([
        { target: { "@odata.type": GROUP, groupId: UPPER.toLowerCase() } },
        { target: { groupId: UPPER.toLowerCase(), "@odata.type": GROUP.slice(1) } },
      ]),
    ).toEqual([
      {
        severity: "error",
        code: "duplicate-target",
        path: [1],
        summary: "targets[1] is the same target as targets[0]",
        detail: "remove one of them (the first is at line 0): assignments are a set",
      },
    ]);
  });

  it("tells targets apart by their other members, and folds case only in GUID members", () => {
    expect(
      findings([
        {
          target: {
            "@odata.type": GROUP,
            groupId: "g",
            deviceAndAppManagementAssignmentFilterType: "include",
          },
        },
        {
          target: {
            "@odata.type": GROUP,
            groupId: "g",
            deviceAndAppManagementAssignmentFilterType: "exclude",
          },
        },
        { target: { "@odata.type": ALL_DEVICES, note: UPPER } },
        { target: { "@odata.type": ALL_DEVICES, note: UPPER.toLowerCase() } },
      ]),
    ).toEqual([]);
  });

  it("warns of a GUID member in upper case only, and never throws on members that are not text", () => {
    expect(
      findings([
        { target: { "@odata.type": ALL_DEVICES, note: UPPER } },
        { target: { "@odata.type": GROUP, groupId: UPPER } },
      ]).map((finding) => [finding.code, finding.path]),
    ).toEqual([["guid-upper-case", [1, "target", "groupId"]]]);
    expect(
      findings([
        { target: { "@odata.type": 7, groupId: [UPPER] } },
        { target: { "@odata.type": 7, groupId: [UPPER] } },
      ]).map((finding) => [finding.code, finding.path]),
    ).toEqual([["duplicate-target", [1]]]);
  });
});
