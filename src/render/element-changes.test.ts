import { describe, expect, it } from "vitest";
import { change, plan } from "../../test/helpers/plan-builders.ts";
import { renderPlanJson } from "./plan-json.ts";
import { renderPlanMarkdown } from "./plan-markdown.ts";
import { renderPlanText } from "./plan-text.ts";

const GROUP = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
const OTHER = "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f";
const FILTER = "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7";

const target = (groupId: string, filter?: { type: string; id: string }) => ({
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

/** One target's filter removed, another target unchanged: a change inside one element. */
const jamf = change({
  address: "deviceManagementPartner[contoso].jamf",
  kind: "DeviceManagementPartner",
  graphType: "deviceManagementPartner",
  name: "jamf",
  collectionPath: "/deviceManagement/deviceManagementPartners",
  liveId: "d21e377a-377a-d21e-7a37-1ed27a371ed2",
  changes: [
    {
      property: "groupsRequiringPartnerEnrollment",
      before: [target(GROUP, { type: "include", id: FILTER }), target(OTHER)],
      after: [target(GROUP), target(OTHER)],
    },
  ],
  patch: { groupsRequiringPartnerEnrollment: [target(GROUP), target(OTHER)] },
});

const LINE = `~ target groupAssignmentTarget groupId=${GROUP}: filter include ${FILTER} → none`;

describe("a change inside one assignment target", () => {
  it("is one ~ line in text, whole, not a removal and an addition", () => {
    const text = renderPlanText(plan({ changes: [jamf] }), { color: false });
    expect(text).toContain(
      "    ~ groupsRequiringPartnerEnrollment:\n" +
        `        ${LINE}\n` +
        "          (1 target unchanged)\n",
    );
    expect(text).not.toMatch(/^\s+[+-] target/m);
    expect(text).not.toContain("chars)");
  });

  it("is marked ~ on both sides in Markdown, with the change spelled out", () => {
    const markdown = renderPlanMarkdown(plan({ changes: [jamf] }));
    const row = markdown
      .split("\n")
      .find((line) => line.includes("groupsRequiringPartnerEnrollment"));
    expect(row).toBeDefined();
    expect(row).toContain("~ <code>target groupAssignmentTarget");
    expect(row).toContain(FILTER.replace(/[-]/g, "-"));
    expect(row).not.toContain("− <code>");
    expect(row).not.toContain("+ <code>");
  });

  it("is an update with its fields in JSON", () => {
    const json = JSON.parse(renderPlanJson(plan({ changes: [jamf] })));
    expect(json.changes[0].property_changes[0].element_changes).toEqual([
      {
        change: "update",
        before: target(GROUP, { type: "include", id: FILTER }),
        after: target(GROUP),
        fields: [
          { field: "deviceAndAppManagementAssignmentFilterId", before: FILTER, after: null },
          { field: "deviceAndAppManagementAssignmentFilterType", before: "include", after: "none" },
        ],
      },
    ]);
  });

  it("keeps additions and removals of different targets as such", () => {
    const swap = change({
      ...jamf,
      changes: [
        {
          property: "groupsRequiringPartnerEnrollment",
          before: [target(OTHER)],
          after: [target(GROUP)],
        },
      ],
      patch: { groupsRequiringPartnerEnrollment: [target(GROUP)] },
    });
    const text = renderPlanText(plan({ changes: [swap] }), { color: false });
    expect(text).toContain(`+ target groupAssignmentTarget groupId=${GROUP}`);
    expect(text).toContain(`- target groupAssignmentTarget groupId=${OTHER}`);
  });

  it("are the plan's: the renderers show the element changes it holds and compute none", () => {
    // Element changes the plan model says (the planner computes them once): the two targets
    // kept, as if nothing inside them changed, whatever before and after hold.
    const held = change({
      ...jamf,
      changes: [
        {
          ...jamf.changes[0]!,
          elementChanges: { added: [], removed: [], changed: [], kept: 2 },
        },
      ],
    });
    const text = renderPlanText(plan({ changes: [held] }), { color: false });
    expect(text).toContain(
      "    ~ groupsRequiringPartnerEnrollment:\n          (2 targets unchanged)\n",
    );
    expect(text).not.toContain(LINE);
    expect(renderPlanMarkdown(plan({ changes: [held] }))).not.toContain("<br>~ <code>");
    const json = JSON.parse(renderPlanJson(plan({ changes: [held] })));
    expect(json.changes[0].property_changes[0].element_changes).toEqual([]);
  });
});
