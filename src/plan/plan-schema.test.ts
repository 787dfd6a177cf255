import { describe, expect, it } from "vitest";
import { change, plan as planOf } from "../../test/helpers/plan-builders.ts";
import type { JsonValue } from "../json.ts";
import type { Plan } from "./model.ts";
import { PlanSchema } from "./plan-schema.ts";
import { savedPlanJson } from "./saved-plan-json.ts";

/**
 * The schema a saved plan must pass before `apply` trusts it. Each case edits one thing in a
 * valid plan and expects exactly the issues that say what is wrong and where: one issue per
 * cause, at the path of the offending field (the first three reach the user through
 * `parsePlanFile`), and nothing thrown however malformed the value.
 */

const RAP_ID = "7443c8b9-c8b9-7443-b9c8-4374b9c84374";
const GROUP = "#microsoft.graph.groupAssignmentTarget";

const valid: Plan = planOf({
  tenants: ["contoso"],
  changes: [
    change({
      address: "deviceManagementPartner[contoso].jamf",
      kind: "DeviceManagementPartner",
      graphType: "deviceManagementPartner",
      name: "jamf",
      collectionPath: "/deviceManagement/deviceManagementPartners",
      liveId: "d21e377a-377a-d21e-7a37-1ed27a371ed2",
      changes: [
        {
          property: "groupsRequiringPartnerEnrollment",
          before: [],
          after: [{ target: { "@odata.type": GROUP, groupId: "g" } }],
        },
      ],
      patch: {
        groupsRequiringPartnerEnrollment: [{ target: { "@odata.type": GROUP, groupId: "g" } }],
      },
    }),
    change({
      liveId: RAP_ID,
      changes: [
        { property: "onboardingStatus", before: "notOnboarded", after: "onboarded" },
        {
          property: "onboardingUrl",
          before: "https://old.example.com/",
          after: "https://new.example.com/",
        },
      ],
      patch: { onboardingStatus: "onboarded", onboardingUrl: "https://new.example.com/" },
      declaredProperties: ["onboardingStatus", "onboardingUrl"],
    }),
  ],
  unchangedCount: 3,
  unchangedByTenant: { contoso: 3 },
});

/** `valid` as a saved plan file holds it (snake_case), with `edit` applied. */
function edited(edit: (plan: any) => void): unknown {
  const copy = JSON.parse(JSON.stringify(savedPlanJson(valid)));
  edit(copy);
  return copy;
}

/** Every issue the schema finds, as `path: message`. */
function issuesOf(value: unknown): string[] {
  const result = PlanSchema.safeParse(value);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

/**
 * `valid` whose DeviceManagementPartner change sends `value` as its assignment collection (its
 * element changes left out, as in a file saved before they were written: they are computed).
 */
function withAssignments(value: JsonValue): unknown {
  return edited((plan) => {
    delete plan.changes[0].property_changes[0].element_changes;
    plan.changes[0].property_changes[0].after = value;
    plan.changes[0].patch.groupsRequiringPartnerEnrollment = value;
  });
}

describe("PlanSchema", () => {
  it("accepts a valid plan, unchanged", () => {
    expect(issuesOf(savedPlanJson(valid))).toEqual([]);
    expect(PlanSchema.parse(savedPlanJson(valid))).toStrictEqual(valid);
  });

  describe("a change's identity: the registry's, not the file's", () => {
    it.each<[string, (plan: any) => void, string[]]>([
      [
        "an unknown kind",
        (plan) => (plan.changes[1].kind = "User"),
        ['changes.1.kind: unknown kind "User"'],
      ],
      [
        "another kind's graph type",
        (plan) => (plan.changes[1].graph_type = "deviceManagementPartner"),
        ["changes.1.graph_type: does not match the kind"],
      ],
      [
        "another collection path",
        (plan) => (plan.changes[1].collection_path = "/deviceManagement/deviceManagementPartners"),
        [
          "changes.1.collection_path: must be /deviceManagement/remoteAssistancePartners for RemoteAssistancePartner",
        ],
      ],
      [
        "an address that is not graphType[tenant].name",
        (plan) => (plan.changes[1].address = "remoteAssistancePartner[contoso].teamviewer2"),
        ["changes.1.address: must be graph_type[tenant].name"],
      ],
    ])("refuses %s", (_name, edit, issues) => {
      expect(issuesOf(edited(edit))).toEqual(issues);
    });
  });

  describe("a live id is one URL path segment", () => {
    it.each([".", "..", "a/b", "a\\b", "a?b", "a#b", "a%2Fb", "a b", ""])("refuses %j", (id) => {
      expect(issuesOf(edited((plan) => (plan.changes[1].live_id = id)))).toEqual([
        "changes.1.live_id: must be one URL path segment",
      ]);
    });

    it.each(["...", ".hidden", "a.b", RAP_ID])("accepts %j", (id) => {
      expect(issuesOf(edited((plan) => (plan.changes[1].live_id = id)))).toEqual([]);
    });
  });

  describe("changes and patch: exactly the changed properties", () => {
    it.each<[string, (plan: any) => void, string[]]>([
      [
        "a property changed twice",
        (plan) => {
          plan.changes[1].property_changes[1] = { ...plan.changes[1].property_changes[0] };
          plan.changes[1].patch = { onboardingStatus: "onboarded" };
        },
        [
          "changes.1.property_changes: lists a property twice",
          "changes.1.patch: must have exactly the properties listed in property_changes",
        ],
      ],
      [
        "a patch that sends another property instead of a changed one",
        (plan) => {
          plan.changes[1].patch = { onboardingStatus: "onboarded", displayName: "x" };
        },
        ["changes.1.patch: must have exactly the properties listed in property_changes"],
      ],
      [
        "a patch that leaves out a changed property",
        (plan) => {
          plan.changes[1].patch = { onboardingStatus: "onboarded" };
        },
        ["changes.1.patch: must have exactly the properties listed in property_changes"],
      ],
      [
        "a patch value other than the change's after",
        (plan) => {
          plan.changes[1].patch.onboardingUrl = "https://elsewhere.example.com/";
        },
        ["changes.1.patch.onboardingUrl: must equal the change's after"],
      ],
      [
        "a change of a property the kind does not have",
        (plan) => {
          plan.changes[1].property_changes[1].property = "secret";
          plan.changes[1].patch = {
            onboardingStatus: "onboarded",
            secret: "https://new.example.com/",
          };
          plan.changes[1].declared_properties = undefined;
        },
        [
          'changes.1.property_changes.1.property: "secret" is not a beta property of RemoteAssistancePartner',
        ],
      ],
      [
        "a change of a property the kind has only in beta, in a v1.0 plan",
        (plan) => {
          const when = "2026-12-31T00:00:00Z";
          plan.changes[0].property_changes = [
            { property: "whenPartnerDevicesWillBeRemoved", after: when },
          ];
          plan.changes[0].patch = { whenPartnerDevicesWillBeRemoved: when };
          plan.changes[0].graph_version = "v1.0";
        },
        [
          'changes.0.property_changes.0.property: "whenPartnerDevicesWillBeRemoved" is not a v1.0 property of DeviceManagementPartner',
        ],
      ],
    ])("refuses %s", (_name, edit, issues) => {
      expect(issuesOf(edited(edit))).toEqual(issues);
    });
  });

  describe("declared properties: the kind's, once each, every changed one among them", () => {
    it.each<[string, string[], string[]]>([
      [
        "a property listed twice",
        ["onboardingStatus", "onboardingUrl", "onboardingStatus"],
        ["changes.1.declared_properties: lists a property twice"],
      ],
      [
        "a property the kind does not have",
        ["onboardingStatus", "onboardingUrl", "secret"],
        [
          'changes.1.declared_properties: "secret" is not a beta property of RemoteAssistancePartner',
        ],
      ],
      [
        "only some of the changed properties",
        ["onboardingStatus", "displayName"],
        ["changes.1.declared_properties: must include every changed property"],
      ],
    ])("refuses %s", (_name, declared, issues) => {
      expect(issuesOf(edited((plan) => (plan.changes[1].declared_properties = declared)))).toEqual(
        issues,
      );
    });

    it("accepts declared properties beyond the changed ones", () => {
      const more = ["displayName", "onboardingStatus", "onboardingUrl"];
      expect(issuesOf(edited((plan) => (plan.changes[1].declared_properties = more)))).toEqual([]);
    });
  });

  describe("an assignment collection: a list of { target } with an @odata.type", () => {
    it.each<[string, JsonValue, string]>([
      [
        "not a list",
        { target: { "@odata.type": GROUP, groupId: "g" } },
        "must be a list of assignments",
      ],
      ["a string element", ["x"], "each assignment must be an object"],
      ["a null element", [null], "each assignment must be an object"],
      [
        "a list element",
        [[{ target: { "@odata.type": GROUP, groupId: "g" } }]],
        "each assignment must be an object",
      ],
      ["a string target", [{ target: "x" }], "each assignment needs a target object"],
      ["a null target", [{ target: null }], "each assignment needs a target object"],
      [
        "a list target",
        [{ target: [{ "@odata.type": GROUP }] }],
        "each assignment needs a target object",
      ],
      [
        "a target without @odata.type",
        [{ target: { groupId: "g" } }],
        "each target needs its @odata.type",
      ],
      [
        "an @odata.type that is not text",
        [{ target: { "@odata.type": 1 } }],
        "each target needs its @odata.type",
      ],
      [
        "an exclusion group target without its groupId",
        [{ target: { "@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget" } }],
        "a group target needs its groupId",
      ],
    ])("refuses %s", (_name, value, message) => {
      expect(issuesOf(withAssignments(value))).toEqual([
        `changes.0.patch.groupsRequiringPartnerEnrollment: ${message}`,
      ]);
    });

    it.each<[string, JsonValue]>([
      ["null (Graph clears the collection)", null],
      ["an empty list", []],
      [
        "a target that is not a group's, without groupId",
        [{ target: { "@odata.type": "#microsoft.graph.allDevicesAssignmentTarget" } }],
      ],
      [
        "several targets",
        [
          { target: { "@odata.type": GROUP, groupId: "a" } },
          { target: { "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget" } },
        ],
      ],
    ])("accepts %s", (_name, value) => {
      expect(issuesOf(withAssignments(value))).toEqual([]);
    });
  });

  describe("the plan as a whole", () => {
    it.each<[string, (plan: any) => void, string[]]>([
      [
        "tenants out of order",
        (plan) => {
          plan.tenants = ["fabrikam", "contoso"];
          plan.unchanged_by_tenant = { contoso: 3 };
        },
        ["tenants: must be sorted and unique"],
      ],
      [
        "a tenant listed twice",
        (plan) => (plan.tenants = ["contoso", "contoso"]),
        ["tenants: must be sorted and unique"],
      ],
      [
        "changes out of order",
        (plan) => plan.changes.reverse(),
        ["changes: addresses must be unique and sorted"],
      ],
      [
        "two changes at one address",
        (plan) => (plan.changes[0] = JSON.parse(JSON.stringify(plan.changes[1]))),
        ["changes: addresses must be unique and sorted"],
      ],
      [
        "a change in a tenant that was not planned",
        (plan) => {
          plan.tenants = ["fabrikam"];
          plan.unchanged_by_tenant = { fabrikam: 3 };
        },
        ["changes.0.tenant: is not a planned tenant", "changes.1.tenant: is not a planned tenant"],
      ],
      [
        "unchanged objects counted for a tenant that was not planned",
        (plan) => (plan.unchanged_by_tenant = { contoso: 2, fabrikam: 1 }),
        ["unchanged_by_tenant: names a tenant that was not planned"],
      ],
      [
        "unchanged objects per tenant that do not add up",
        (plan) => (plan.unchanged_by_tenant = { contoso: 2 }),
        ["unchanged_by_tenant: must sum to unchanged_count"],
      ],
    ])("refuses %s", (_name, edit, issues) => {
      expect(issuesOf(edited(edit))).toEqual(issues);
    });

    it("accepts a plan without a per-tenant count, and several tenants in order", () => {
      expect(issuesOf(edited((plan) => delete plan.unchanged_by_tenant))).toEqual([]);
      const two = edited((plan) => {
        plan.tenants = ["contoso", "fabrikam"];
        plan.unchanged_by_tenant = { contoso: 1, fabrikam: 2 };
      });
      expect(issuesOf(two)).toEqual([]);
    });
  });
});
