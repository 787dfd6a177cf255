import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DesiredObject } from "../../src/config/model.ts";
import {
  startEmulator,
  type Emulator,
  type Fault,
  type FaultRule,
} from "../../src/emulator/index.ts";
import type { JsonObject, JsonValue } from "../../src/json.ts";
import {
  DMP,
  IDS,
  RA,
  SEED,
  TEST_RETRY,
  declare,
  graphRequestsSince,
  mark,
  pipeline,
} from "./pipeline.ts";

/**
 * Properties of plan → apply under faults, against the emulator over HTTPS: for random live and
 * desired states and random fault rules that clear on their own (each rule fires a bounded number
 * of times, fewer in total than a request's attempts),
 * - apply converges: planning again (faults cleared) shows no change;
 * - exactly one PATCH succeeds per object whose declared values differed (an independent model
 *   says which), and none for the others;
 * - no PATCH attempt, successful or not, carries a property the configuration does not declare
 *   for that object, nor another value than the declared one.
 */

const OBJECTS = [
  { id: IDS.raOne, name: "RA one", path: RA, kind: "RemoteAssistancePartner" },
  { id: IDS.raTwo, name: "RA two", path: RA, kind: "RemoteAssistancePartner" },
  { id: IDS.raThree, name: "RA three", path: RA, kind: "RemoteAssistancePartner" },
  { id: IDS.mdmOne, name: "MDM one", path: DMP, kind: "DeviceManagementPartner" },
  { id: IDS.mdmTwo, name: "MDM two", path: DMP, kind: "DeviceManagementPartner" },
] as const;

const GROUPS = ["4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f", "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e"];
const groups = fc.subarray(GROUPS).map((ids) =>
  ids.map((groupId) => ({
    target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId },
  })),
);
const VALUES: Record<string, Record<string, fc.Arbitrary<JsonValue>>> = {
  RemoteAssistancePartner: {
    onboardingUrl: fc.constantFrom("https://a.example.com/", "https://b.example.com/"),
    onboardingStatus: fc.constantFrom("notOnboarded", "onboarding", "onboarded"),
  },
  DeviceManagementPartner: {
    partnerAppType: fc.constantFrom("unknown", "singleTenantApp", "multiTenantApp"),
    singleTenantAppId: fc.constantFrom("app-1", "app-2"),
    groupsRequiringPartnerEnrollment: groups,
  },
};

/** Per object: its full live state, and what the configuration declares (maybe nothing). */
const states = fc.tuple(
  ...OBJECTS.map((object) =>
    fc.record({
      live: fc.record(VALUES[object.kind]!),
      desired: fc.option(
        fc
          .record(VALUES[object.kind]!, { requiredKeys: [] })
          .map(definedOnly)
          .filter((spec) => Object.keys(spec).length > 0),
        { nil: undefined },
      ),
    }),
  ),
);

function definedOnly(record: Partial<Record<string, JsonValue>>): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) result[key] = value;
  return result;
}

const FAULTS: readonly Fault[] = [
  { kind: "status", status: 429, retryAfter: "0" },
  { kind: "status", status: 429, retryAfter: "0.01" },
  { kind: "status", status: 500 },
  { kind: "status", status: 503 },
  { kind: "status", status: 504 },
  { kind: "reset" },
  { kind: "hang" },
  { kind: "html" },
  { kind: "malformed-json" },
];
const TARGETS = [
  { method: "GET", path: "remoteAssistancePartners$" },
  { method: "GET", path: "deviceManagementPartners$" },
  { method: "PATCH", path: "remoteAssistancePartners/" },
  { method: "PATCH", path: "deviceManagementPartners/" },
  { method: "POST", path: "/oauth2/v2.0/token$" },
] as const;

/**
 * Rules that clear on their own. Fewer faults in total than a request's attempts, at most
 * `maxMalformedBodyRetries` garbled bodies, and none where a fault is not transient by design:
 * a 200 with a garbled body on PATCH is taken as written (fault-matrix.test.ts), and the token
 * endpoint is retried by @azure/identity with waits of its own (a 429 saying "now" keeps it fast).
 */
const faultRules = fc
  .array(
    fc.record({
      target: fc.constantFrom(...TARGETS),
      fault: fc.constantFrom(...FAULTS),
      after: fc.nat({ max: 4 }),
      times: fc.integer({ min: 1, max: 2 }),
    }),
    { maxLength: 3 },
  )
  .map((drawn) => {
    const rules: FaultRule[] = [];
    let total = 0;
    let malformed = 0;
    for (const { target, fault: drawnFault, after, times } of drawn) {
      let fault = drawnFault;
      if (target.method === "POST") fault = { kind: "status", status: 429, retryAfter: "0" };
      if (target.method === "PATCH" && fault.kind === "malformed-json") {
        fault = { kind: "status", status: 503 };
      }
      const isMalformed = fault.kind === "malformed-json";
      if (total + times >= TEST_RETRY.maxAttempts) break;
      if (isMalformed && malformed + times > TEST_RETRY.maxMalformedBodyRetries) continue;
      total += times;
      if (isMalformed) malformed += times;
      rules.push({ method: target.method, path: target.path, after, times, fault });
    }
    return rules;
  });

function sameValue(property: string, a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (property === "groupsRequiringPartnerEnrollment") {
    const ids = (value: JsonValue | undefined) =>
      JSON.stringify(
        ((value ?? []) as { target: { groupId: string } }[]).map((x) => x.target.groupId).sort(),
      );
    return ids(a) === ids(b);
  }
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ seed: SEED, pageSize: 1 });
});
afterAll(async () => {
  await emulator.close();
});

describe("plan → apply under faults that clear (property)", () => {
  it("converges, writes each differing object exactly once, and sends only declared properties", async () => {
    const stats = { faulted: 0, patches: 0 };
    await fc.assert(
      fc.asyncProperty(states, faultRules, async (drawn, rules) => {
        emulator.setFaults([]);
        emulator.reset();
        // The live state, written directly before any fault is armed.
        const setup = pipeline(emulator);
        const client = await setup.client();
        for (const [index, object] of OBJECTS.entries()) {
          await client.patch({
            graphVersion: "beta",
            collectionPath: object.path,
            id: object.id,
            body: drawn[index]!.live,
          });
        }
        setup.close();

        const declared: DesiredObject[] = [];
        const declaredById = new Map<string, JsonObject>();
        let differing = 0;
        OBJECTS.forEach((object, index) => {
          const { live, desired } = drawn[index]!;
          if (desired === undefined) return;
          declared.push(declare(object.kind, `o${index}`, object.name, desired));
          declaredById.set(object.id, desired);
          if (Object.keys(desired).some((key) => !sameValue(key, live[key], desired[key]))) {
            differing++;
          }
        });

        const since = mark(emulator);
        emulator.setFaults(rules);
        // Only a `hang` fault may time out: an attempt that timed out on a slow but healthy
        // server would be sent again and could count as a second PATCH.
        const run = pipeline(emulator, { objects: declared, timeoutInMs: 2_000 });
        try {
          const plan = await run.plan();
          expect(plan.problems).toEqual([]);
          const { result } = await run.apply(plan);
          expect(result.summary).toMatchObject({
            changed: differing,
            failed: 0,
            skipped: 0,
            stale: 0,
            notConverged: 0,
            unverified: 0,
          });
        } finally {
          run.close();
        }
        stats.faulted += emulator.requests.filter((entry) => entry.fault !== undefined).length;

        const patches = graphRequestsSince(emulator, since, "PATCH");
        const succeeded = patches.filter((entry) => entry.status >= 200 && entry.status < 300);
        expect(succeeded).toHaveLength(differing);
        expect(new Set(succeeded.map((entry) => entry.path)).size).toBe(differing);
        stats.patches += succeeded.length;
        for (const entry of patches) {
          const spec = declaredById.get(entry.path.split("/").pop()!);
          expect(spec, `PATCH to an undeclared object: ${entry.path}`).toBeDefined();
          for (const [key, value] of Object.entries(entry.body as JsonObject)) {
            expect(Object.keys(spec!), `${entry.path}: ${key}`).toContain(key);
            expect(sameValue(key, value, spec![key]), `${entry.path}: ${key}`).toBe(true);
          }
        }

        emulator.setFaults([]);
        const again = pipeline(emulator, { objects: declared });
        try {
          expect((await again.plan()).changes).toEqual([]);
        } finally {
          again.close();
        }
      }),
      { numRuns: 20 },
    );
    // Not vacuous: faults were injected, and objects were written.
    expect(stats.faulted).toBeGreaterThan(0);
    expect(stats.patches).toBeGreaterThan(0);
  });
});
