import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatTicks, parseDateTimeOffset } from "../../src/date-time-offset.ts";
import type { EmulatorSeed } from "../../src/emulator/index.ts";
import { GUID_PATTERN } from "../../src/guid.ts";
import type { JsonObject, JsonValue } from "../../src/json.ts";
import { getResource } from "../../src/resources/registry.ts";
import type { PropertyDefinition } from "../../src/resources/types.ts";
import { driftedValueOf, valueArbitrary } from "../helpers/plan-arbitraries.ts";
import { rewriteDateTime } from "../helpers/plan-builders.ts";
import { DEMO_APP, declare, startHarness, type Harness } from "./harness.ts";

/**
 * Property (issue 13): for a random live object and a random spelling of the same values in the
 * configuration (other offsets and precisions, seconds left out, GUIDs in upper case, sets in
 * another order, beta's filter defaults written out), the plan is empty; for one random real
 * difference, the plan holds exactly that property; after `apply` against the emulator, the next
 * plan is empty.
 */
const RUNS = 40;
const NAME = "Partner under test";
const KIND = "DeviceManagementPartner";
const PATH = "/deviceManagement/deviceManagementPartners";

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
      deviceManagementPartners: [{ displayName: NAME, partnerAppType: "unknown" }],
    },
  ],
};

/** Every beta property a configuration can manage and Graph returns (not the matching name). */
const PROPERTIES = getResource(KIND).properties.beta.filter(
  (property) => !property.deprecated && property.name !== "displayName",
);

/** A value Graph can store for a property (GUIDs among strings; a set never null). */
function liveValue(property: PropertyDefinition): fc.Arbitrary<JsonValue> {
  if (property.type.kind === "string" && property.type.holds === "guid") {
    return fc.oneof(fc.uuid(), fc.constant(null), fc.string({ maxLength: 12 }));
  }
  const value = valueArbitrary(property, "beta");
  return property.type.kind === "assignments" ? value.map((v) => v ?? []) : value;
}

interface Spelling {
  readonly offset: number;
  readonly digits: number;
  readonly dropSeconds: boolean;
  readonly upperGuids: boolean;
  readonly rotate: number;
  readonly filterDefaults: boolean;
}

const spellingArbitrary: fc.Arbitrary<Spelling> = fc.record({
  offset: fc.integer({ min: -14 * 60, max: 14 * 60 }),
  digits: fc.integer({ min: 0, max: 7 }),
  dropSeconds: fc.boolean(),
  upperGuids: fc.boolean(),
  rotate: fc.nat({ max: 4 }),
  filterDefaults: fc.boolean(),
});

/** The same value, written another way the configuration accepts. */
function respell(property: PropertyDefinition, value: JsonValue, spelling: Spelling): JsonValue {
  const guid = (text: JsonValue) =>
    spelling.upperGuids && typeof text === "string" && GUID_PATTERN.test(text)
      ? text.toUpperCase()
      : text;
  switch (property.type.kind) {
    case "dateTimeOffset": {
      if (typeof value !== "string") return value;
      const parsed = parseDateTimeOffset(value);
      if (!parsed.ok || parsed.isMinValue) return value;
      return rewriteDateTime(
        formatTicks(parsed.ticks),
        spelling.offset,
        spelling.digits,
        spelling.dropSeconds,
      );
    }
    case "string":
      return property.type.holds === "guid" ? guid(value) : value;
    case "assignments": {
      const list = Array.isArray(value) ? value : [];
      const rotated = list.map((_, index) => list[(index + spelling.rotate) % list.length]!);
      return rotated.map((element) => {
        const target = { ...((element as JsonObject)["target"] as JsonObject) };
        for (const key of ["groupId", "collectionId", "deviceAndAppManagementAssignmentFilterId"]) {
          if (key in target) target[key] = guid(target[key]!);
        }
        if (spelling.filterDefaults && !("deviceAndAppManagementAssignmentFilterType" in target)) {
          target["deviceAndAppManagementAssignmentFilterType"] = "none";
        }
        const type = target["@odata.type"];
        if (typeof type === "string") target["@odata.type"] = type.replace(/^#/, "");
        return { target };
      });
    }
    default:
      return value;
  }
}

/** Dates on whole minutes half of the time, so `dropSeconds` has seconds to drop. */
function onWholeMinute(property: PropertyDefinition, value: JsonValue, whole: boolean): JsonValue {
  if (!whole || property.type.kind !== "dateTimeOffset" || typeof value !== "string") return value;
  const parsed = parseDateTimeOffset(value);
  if (!parsed.ok || parsed.isMinValue) return value;
  return formatTicks(parsed.ticks - (parsed.ticks % 600_000_000n));
}

const scenario = fc
  .record({
    live: fc.record(
      Object.fromEntries(PROPERTIES.map((property) => [property.name, liveValue(property)])),
    ),
    declared: fc.subarray(
      PROPERTIES.map((property) => property.name),
      { minLength: 1 },
    ),
    spelling: spellingArbitrary,
    wholeMinutes: fc.boolean(),
    drift: fc.nat(),
  })
  .map(({ live, wholeMinutes, ...rest }) => ({
    ...rest,
    live: Object.fromEntries(
      PROPERTIES.map((property) => [
        property.name,
        onWholeMinute(property, live[property.name]!, wholeMinutes),
      ]),
    ),
  }));

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ seed: SEED });
});
afterAll(async () => {
  await harness.close();
});

describe("equal meaning, one difference, apply (property, against the emulator)", () => {
  it(`plans nothing for equal spellings, exactly the one difference, then nothing after apply (${RUNS} runs)`, async () => {
    const client = await harness.clientFor("contoso");
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ live, declared, spelling, drift }) => {
        runs += 1;
        harness.emulator.reset();
        const id = harness.emulator.objects("contoso", "deviceManagementPartners")[0]!["id"];
        if (typeof id !== "string") throw new Error("the seed object has no id");
        await client.patch({ graphVersion: "beta", collectionPath: PATH, id, body: live });

        const spec: Record<string, JsonValue> = {};
        for (const name of declared) {
          const property = PROPERTIES.find((candidate) => candidate.name === name)!;
          spec[name] = respell(property, live[name]!, spelling);
        }
        const same = await harness.plan([declare(KIND, "partner", "contoso", NAME, spec)]);
        expect(same.problems).toEqual([]);
        expect(same.changes).toEqual([]);

        const driftedName = declared[drift % declared.length]!;
        const drifted = PROPERTIES.find((candidate) => candidate.name === driftedName)!;
        const changed = { ...spec, [driftedName]: driftedValueOf(drifted, spec[driftedName]!) };
        const objects = [declare(KIND, "partner", "contoso", NAME, changed)];
        const plan = await harness.plan(objects);
        expect(plan.problems).toEqual([]);
        expect(plan.changes.map((change) => change.changes.map((c) => c.property))).toEqual([
          [driftedName],
        ]);

        const { result } = await harness.apply(plan);
        expect(result.summary).toMatchObject({ changed: 1, failed: 0 });
        expect((await harness.plan(objects)).changes).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    expect(runs).toBe(RUNS);
  });
});
