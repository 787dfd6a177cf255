import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DesiredObject } from "../../src/config/model.ts";
import type { EmulatorSeed } from "../../src/emulator/index.ts";
import type { JsonObject, JsonValue } from "../../src/json.ts";
import { DEMO_APP, declare, startHarness, type Harness } from "./harness.ts";

/**
 * Property: for random live and desired states, `apply` then `plan` is empty, and the number of
 * PATCH requests equals the number of objects whose declared properties differed, judged here
 * by a model of Graph's equality written independently of the planner (instants compared as
 * instants, assignment targets as a set, everything else exactly).
 */
const RA = "/deviceManagement/remoteAssistancePartners";
const DMP = "/deviceManagement/deviceManagementPartners";
const RA_NAMES = ["RA one", "RA two", "RA three"];
const DMP_NAMES = ["MDM one", "MDM two"];

const SEED: EmulatorSeed = {
  tenants: [
    {
      name: "contoso",
      tenantId: "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
      apps: [
        {
          clientId: DEMO_APP.clientId,
          secret: DEMO_APP.secret,
          roles: ["DeviceManagementServiceConfig.ReadWrite.All"],
        },
      ],
      remoteAssistancePartners: RA_NAMES.map((displayName) => ({
        displayName,
        onboardingStatus: "notOnboarded",
      })),
      deviceManagementPartners: DMP_NAMES.map((displayName) => ({
        displayName,
        partnerAppType: "unknown",
      })),
    },
  ],
};

const GROUPS = [
  "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f",
  "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
  "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
];
/** The first two are the same instant written two ways. */
const DATES = ["2030-01-01T00:00:00Z", "2029-12-31T16:00:00-08:00", "2030-06-01T12:00:00.5Z"];

const raValues = {
  onboardingUrl: fc.constantFrom("https://a.example.com/", "https://b.example.com/"),
  onboardingStatus: fc.constantFrom("notOnboarded", "onboarding", "onboarded"),
};
const dmpValues = {
  partnerAppType: fc.constantFrom("unknown", "singleTenantApp", "multiTenantApp"),
  singleTenantAppId: fc.constantFrom("app-1", "app-2"),
  whenPartnerDevicesWillBeRemovedDateTime: fc.constantFrom(...DATES),
  groupsRequiringPartnerEnrollment: fc.shuffledSubarray(GROUPS).map((ids) =>
    ids.map((groupId) => ({
      target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
    })),
  ),
};

/** A full state for every property, and a declared subset of it. */
function stateOf(values: Record<string, fc.Arbitrary<JsonValue>>) {
  return fc.record({
    live: fc.record(values),
    desired: fc.record(values, { requiredKeys: [] }).map(definedOnly),
  });
}

function definedOnly(record: Partial<Record<string, JsonValue>>): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) result[key] = value;
  return result;
}

const scenario = fc.record({
  ra: fc.array(stateOf(raValues), { minLength: RA_NAMES.length, maxLength: RA_NAMES.length }),
  dmp: fc.array(stateOf(dmpValues), { minLength: DMP_NAMES.length, maxLength: DMP_NAMES.length }),
});

function sameValue(property: string, a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (property.endsWith("DateTime")) {
    const instant = (value: JsonValue | undefined) =>
      typeof value === "string" ? Date.parse(value) : null;
    return instant(a) === instant(b);
  }
  if (property === "groupsRequiringPartnerEnrollment") {
    const ids = (value: JsonValue | undefined) =>
      JSON.stringify(
        ((value ?? []) as { target: { groupId: string } }[]).map((a) => a.target.groupId).sort(),
      );
    return ids(a) === ids(b);
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function differs(live: JsonObject, desired: JsonObject): boolean {
  return Object.keys(desired).some(
    (property) => !sameValue(property, live[property], desired[property]),
  );
}

/**
 * Two fixed cases beside the random ones: nothing differs (no PATCH at all), and everything
 * differs, including an instant written with another offset and a reordered group set.
 */
const groupTargets = (ids: string[]) =>
  ids.map((groupId) => ({
    target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
  }));
const RA_LIVE = { onboardingUrl: "https://a.example.com/", onboardingStatus: "onboarded" };
const DMP_LIVE = {
  partnerAppType: "multiTenantApp",
  singleTenantAppId: "app-1",
  whenPartnerDevicesWillBeRemovedDateTime: DATES[0]!,
  groupsRequiringPartnerEnrollment: groupTargets([GROUPS[0]!, GROUPS[1]!]),
};
const NOTHING_DIFFERS = {
  ra: RA_NAMES.map(() => ({ live: RA_LIVE, desired: { onboardingStatus: "onboarded" } })),
  dmp: DMP_NAMES.map(() => ({
    live: DMP_LIVE,
    desired: {
      whenPartnerDevicesWillBeRemovedDateTime: DATES[1]!,
      groupsRequiringPartnerEnrollment: groupTargets([GROUPS[1]!, GROUPS[0]!]),
    },
  })),
};
const EVERYTHING_DIFFERS = {
  ra: RA_NAMES.map(() => ({ live: RA_LIVE, desired: { onboardingStatus: "onboarding" } })),
  dmp: DMP_NAMES.map(() => ({
    live: DMP_LIVE,
    desired: {
      partnerAppType: "unknown",
      groupsRequiringPartnerEnrollment: groupTargets([GROUPS[2]!]),
    },
  })),
};

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ seed: SEED });
});
afterAll(async () => {
  await harness.close();
});

describe("apply (property)", () => {
  it("converges in one apply with exactly one PATCH per differing object", async () => {
    const client = await harness.clientFor("contoso");
    const writeCounts = new Set<number>();
    await fc.assert(
      fc.asyncProperty(scenario, async ({ ra, dmp }) => {
        harness.emulator.reset();
        const ids = (collection: string) =>
          new Map(
            harness.emulator
              .objects("contoso", collection)
              .map((o) => [o["displayName"] as string, o["id"] as string]),
          );
        const raIds = ids("remoteAssistancePartners");
        const dmpIds = ids("deviceManagementPartners");
        // The live state, written directly.
        const setups = [
          ...ra.map((state, i) => ({ path: RA, id: raIds.get(RA_NAMES[i]!)!, body: state.live })),
          ...dmp.map((state, i) => ({
            path: DMP,
            id: dmpIds.get(DMP_NAMES[i]!)!,
            body: state.live,
          })),
        ];
        for (const setup of setups) {
          await client.patch({
            graphVersion: "beta",
            collectionPath: setup.path,
            id: setup.id,
            body: setup.body,
          });
        }

        const declared: DesiredObject[] = [
          ...ra.map((state, i) =>
            declare("RemoteAssistancePartner", `ra-${i}`, "contoso", RA_NAMES[i]!, state.desired),
          ),
          ...dmp.map((state, i) =>
            declare("DeviceManagementPartner", `dmp-${i}`, "contoso", DMP_NAMES[i]!, state.desired),
          ),
        ];
        const expectedWrites = [...ra, ...dmp].filter((state) =>
          differs(state.live, state.desired),
        ).length;
        writeCounts.add(expectedWrites);

        const plan = await harness.plan(declared);
        expect(plan.problems).toEqual([]);
        const since = harness.mark();
        const { result } = await harness.apply(plan);
        expect(result.summary).toMatchObject({
          changed: expectedWrites,
          failed: 0,
          stale: 0,
          notConverged: 0,
        });
        const patches = harness.patches(since);
        expect(patches).toHaveLength(expectedWrites);
        expect(new Set(patches.map((entry) => entry.path)).size).toBe(expectedWrites);

        const again = await harness.plan(declared);
        expect(again.changes).toEqual([]);
      }),
      {
        numRuns: 15,
        examples: [[NOTHING_DIFFERS], [EVERYTHING_DIFFERS]],
      },
    );
    // The independent model agrees with the fixed cases (so it is not vacuous either way).
    expect(writeCounts).toContain(0);
    expect(writeCounts).toContain(RA_NAMES.length + DMP_NAMES.length);
  });
});
