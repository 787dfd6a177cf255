import { describe, expect, it } from "vitest";
import { change, plan } from "../../test/helpers/plan-builders.ts";
import { elementChangesJson, savedPlanJson } from "./saved-plan-json.ts";

const GROUP = "#microsoft.graph.groupAssignmentTarget";
const target = (groupId: string) => ({ target: { "@odata.type": GROUP, groupId } });

describe("savedPlanJson", () => {
  it("leaves a property change's before out when it is unset (plans made by hand), not as a key", () => {
    const saved = savedPlanJson(
      plan({
        changes: [
          change({ changes: [{ property: "onboardingUrl", before: undefined, after: "x" }] }),
        ],
      }),
    );
    const changes = saved["changes"] as { property_changes: object[] }[];
    expect(changes[0]?.property_changes).toStrictEqual([{ property: "onboardingUrl", after: "x" }]);
  });
});

describe("elementChangesJson", () => {
  it("writes additions, then removals, then updates, each with its before and after", () => {
    const a = "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f";
    const b = "0b7e2c1a-3d4f-4a5b-8c6d-7e8f9a0b1c2d";
    expect(
      elementChangesJson({
        added: [target(a)],
        removed: [target(b)],
        changed: [
          {
            before: target(a),
            after: target(a),
            fields: [
              {
                field: "deviceAndAppManagementAssignmentFilterType",
                before: "none",
                after: "include",
              },
            ],
          },
        ],
        kept: 3,
      }),
    ).toStrictEqual([
      { change: "add", before: null, after: target(a), fields: [] },
      { change: "remove", before: target(b), after: null, fields: [] },
      {
        change: "update",
        before: target(a),
        after: target(a),
        fields: [
          { field: "deviceAndAppManagementAssignmentFilterType", before: "none", after: "include" },
        ],
      },
    ]);
  });
});
