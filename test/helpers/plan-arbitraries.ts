import fc from "fast-check";
import type { DesiredObject, DesiredState } from "../../src/config/model.ts";
import type { LiveObject } from "../../src/live-object.ts";
import type { JsonObject, JsonValue } from "../../src/json.ts";
import type {
  LiveCollection,
  LiveReadFailure,
  LiveSnapshot,
  Plan,
  PlanProblem,
  ResourceChange,
} from "../../src/plan/model.ts";
import { formatTicks, parseDateTimeOffset } from "../../src/date-time-offset.ts";
import { assignmentTargetTypes } from "../../src/resources/assignment-targets.ts";
import { RESOURCES } from "../../src/resources/registry.ts";
import {
  GRAPH_VERSIONS,
  type GraphVersion,
  type PropertyDefinition,
  type ResourceDefinition,
} from "../../src/resources/types.ts";
import { desiredState, rewriteDateTime } from "./plan-builders.ts";

/**
 * fast-check arbitraries for the planner's invariants: a random but valid desired state, and a
 * live state built from it that Graph could really return for it (dates in other offsets and
 * full precision, assignment sets in another order with Graph's defaults and annotations, extra
 * undeclared properties and unmanaged objects), optionally with some declared values drifted.
 */

const TENANTS = ["contoso", "fabrikam", "northwind"];
const MIN_TICKS = ticksOf("1990-01-01T00:00:00Z");
const MAX_TICKS = ticksOf("2090-01-01T00:00:00Z");
const UNSET = "0001-01-01T00:00:00Z";

export function dateTimeArbitrary(): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.bigInt({ min: MIN_TICKS, max: MAX_TICKS }),
      fc.integer({ min: -14 * 60, max: 14 * 60 }),
      fc.integer({ min: 0, max: 7 }),
      fc.boolean(),
    )
    .map(([ticks, offset, digits, dropSeconds]) =>
      rewriteDateTime(formatTicks(ticks), offset, digits, dropSeconds),
    );
}

function ticksOf(text: string): bigint {
  const parsed = parseDateTimeOffset(text);
  if (!parsed.ok) throw new Error(`not a DateTimeOffset: ${text}`);
  return parsed.ticks;
}

function targetArbitrary(version: GraphVersion): fc.Arbitrary<JsonObject> {
  const types = assignmentTargetTypes(version);
  return fc
    .tuple(
      fc.constantFrom(...types),
      fc.uuid(),
      version === "beta"
        ? fc.option(fc.tuple(fc.uuid(), fc.constantFrom("include", "exclude")), { nil: undefined })
        : fc.constant(undefined),
    )
    .map(([type, id, filter]) => {
      const target: JsonObject = { "@odata.type": type.odataType };
      for (const property of type.properties) target[property] = id;
      if (filter) {
        target["deviceAndAppManagementAssignmentFilterId"] = filter[0];
        target["deviceAndAppManagementAssignmentFilterType"] = filter[1];
      }
      return { target };
    });
}

/** A valid declared value of a property, as the config loader would hand it over. */
export function valueArbitrary(
  property: PropertyDefinition,
  version: GraphVersion,
): fc.Arbitrary<JsonValue> {
  const value = ((): fc.Arbitrary<JsonValue> => {
    switch (property.type.kind) {
      case "string":
        return fc.string({ maxLength: 30 });
      case "url":
        return fc.webUrl();
      case "enum":
        return fc.constantFrom(...property.type.members);
      case "boolean":
        return fc.boolean();
      case "dateTimeOffset":
        return property.nullable
          ? dateTimeArbitrary()
          : fc.oneof(
              { weight: 5, arbitrary: dateTimeArbitrary() },
              { weight: 1, arbitrary: fc.constant(UNSET) },
            );
      case "assignments":
        return fc.uniqueArray(targetArbitrary(version), {
          maxLength: 4,
          selector: (element) => JSON.stringify(element),
        });
    }
  })();
  return property.nullable
    ? fc.oneof({ weight: 5, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) })
    : value;
}

/** How Graph may write a value back differently without it being different. */
export interface Noise {
  readonly offset: number;
  readonly digits: number;
  readonly rotate: number;
  readonly annotate: boolean;
}

const noiseArbitrary: fc.Arbitrary<Noise> = fc.record({
  offset: fc.integer({ min: -14 * 60, max: 14 * 60 }),
  digits: fc.integer({ min: 0, max: 7 }),
  rotate: fc.nat({ max: 5 }),
  annotate: fc.boolean(),
});

/** The value Graph could return for a declared value: equal to it, but written differently. */
export function liveValueOf(
  property: PropertyDefinition,
  declared: JsonValue,
  version: GraphVersion,
  noise: Noise,
): JsonValue {
  switch (property.type.kind) {
    case "dateTimeOffset":
      if (declared === null || declared === UNSET) {
        return property.nullable && !noise.annotate ? null : "0001-01-01T00:00:00.0000000Z";
      }
      return rewriteDateTime(declared as string, noise.offset, noise.digits);
    case "assignments": {
      const list = (declared ?? []) as JsonObject[];
      const rotated = list.map((_, index) => list[(index + noise.rotate) % list.length]!);
      return rotated.map((element): JsonObject => {
        const target = { ...(element["target"] as JsonObject) };
        // Graph writes nested types without the `#` in its docs, and beta returns the filter
        // defaults on every target.
        target["@odata.type"] = (target["@odata.type"] as string).replace(/^#/, "");
        if (version === "beta" && !("deviceAndAppManagementAssignmentFilterType" in target)) {
          target["deviceAndAppManagementAssignmentFilterId"] = null;
          target["deviceAndAppManagementAssignmentFilterType"] = "none";
        }
        return noise.annotate
          ? { "@odata.type": "#microsoft.graph.deviceManagementPartnerAssignment", target }
          : { target };
      });
    }
    default:
      return declared;
  }
}

/** A live value that differs from the declared one (never equal under `valuesEqual`). */
export function driftedValueOf(property: PropertyDefinition, declared: JsonValue): JsonValue {
  switch (property.type.kind) {
    case "string":
      return typeof declared === "string" ? `${declared}~` : "drifted";
    case "url":
      return typeof declared === "string" ? `${declared}x/` : "https://drifted.example/";
    case "enum": {
      const members = property.type.members;
      return members[(members.indexOf(declared as string) + 1) % members.length]!;
    }
    case "boolean":
      return declared !== true;
    case "dateTimeOffset": {
      const instant = typeof declared === "string" ? parseDateTimeOffset(declared) : undefined;
      if (!instant?.ok || instant.isMinValue) return "2001-02-03T04:05:06.0000007Z";
      return formatTicks(instant.ticks + 1n);
    }
    case "assignments":
      return [
        ...((declared ?? []) as JsonValue[]),
        {
          target: {
            "@odata.type": "#microsoft.graph.groupAssignmentTarget",
            groupId: "00000000-0000-4000-8000-00000000d21f",
          },
        },
      ];
  }
}

interface ObjectSeed {
  readonly resource: ResourceDefinition;
  readonly version: GraphVersion;
  readonly tenantIndex: number;
  readonly byId: boolean;
  readonly label: string;
  readonly spec: Record<string, JsonValue>;
  readonly noise: Noise;
  /** Declared properties whose live value drifted (only used by `driftedWorld`). */
  readonly drift: readonly string[];
}

const objectSeedArbitrary: fc.Arbitrary<ObjectSeed> = fc
  .tuple(fc.constantFrom(...RESOURCES), fc.constantFrom(...GRAPH_VERSIONS))
  .chain(([resource, version]) => {
    const properties = resource.properties[version];
    return fc.record({
      resource: fc.constant(resource),
      version: fc.constant(version),
      tenantIndex: fc.nat({ max: TENANTS.length - 1 }),
      byId: fc.boolean(),
      label: fc.string({ maxLength: 12 }),
      spec: fc.record(
        Object.fromEntries(
          properties.map((property) => [property.name, valueArbitrary(property, version)]),
        ),
        { requiredKeys: [] },
      ) as fc.Arbitrary<Record<string, JsonValue>>,
      noise: noiseArbitrary,
      drift: fc.subarray(properties.map((property) => property.name)),
    });
  });

/** A desired state and the live state Graph would return for it. */
export interface World {
  readonly desired: DesiredState;
  readonly live: LiveSnapshot;
  /** Per declared object (by address): the declared properties whose live value drifted. */
  readonly drifted: ReadonlyMap<string, readonly string[]>;
}

export function worldArbitrary(
  options: { drift?: boolean; maxObjects?: number } = {},
): fc.Arbitrary<World> {
  return fc
    .tuple(
      fc.array(objectSeedArbitrary, { maxLength: options.maxObjects ?? 8 }),
      fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    )
    .map(([seeds, unmanaged]) => buildWorld(seeds, unmanaged, options.drift ?? false));
}

function buildWorld(
  seeds: readonly ObjectSeed[],
  unmanaged: readonly string[],
  drift: boolean,
): World {
  const objects: DesiredObject[] = [];
  const liveByCollection = new Map<string, LiveObject[]>();
  const drifted = new Map<string, readonly string[]>();
  seeds.forEach((seed, index) => {
    const tenant = TENANTS[seed.tenantIndex]!;
    const { resource, version } = seed;
    const id = `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`;
    const spec = { ...seed.spec };
    // Keep displayName matches unique: matched names end in `#i`, other declared names in `~i`.
    let displayName: JsonValue = `${seed.label} #${index}`;
    if (seed.byId && "displayName" in spec) {
      if (typeof spec["displayName"] === "string")
        spec["displayName"] = `${spec["displayName"]} ~${index}`;
      displayName = spec["displayName"]!;
    } else if ("displayName" in spec) {
      spec["displayName"] = displayName;
    }
    const name = `object-${index}`;
    objects.push({
      kind: resource.kind,
      name,
      tenant,
      graphVersion: version,
      match: seed.byId
        ? { by: "id", id }
        : { by: "displayName", displayName: displayName as string },
      spec,
      source: { file: "partners.yaml", line: index + 1, column: 1 },
      propertySources: {},
    });
    const live: Record<string, JsonValue> = {
      "@odata.type": `#microsoft.graph.${resource.graphType}`,
      id,
      displayName,
    };
    const changed: string[] = [];
    for (const property of resource.properties[version]) {
      const declared = spec[property.name];
      if (declared === undefined) {
        // Undeclared: whatever the tenant has, never compared (displayName is set above).
        if (property.name !== "displayName") live[property.name] = driftedValueOf(property, null);
        continue;
      }
      if (drift && seed.drift.includes(property.name) && property.name !== "displayName") {
        live[property.name] = driftedValueOf(property, declared);
        changed.push(property.name);
      } else {
        live[property.name] = liveValueOf(property, declared, version, seed.noise);
      }
    }
    if (changed.length > 0) drifted.set(`${resource.graphType}[${tenant}].${name}`, changed);
    for (const collectionVersion of GRAPH_VERSIONS) {
      const key = JSON.stringify([tenant, resource.kind, collectionVersion]);
      liveByCollection.set(key, [...(liveByCollection.get(key) ?? []), live as LiveObject]);
    }
  });
  // Unmanaged objects: in every collection, never matched (their names end in `!`).
  const collections: LiveCollection[] = [...liveByCollection].map(([key, live]) => {
    const [tenant, kind, graphVersion] = JSON.parse(key) as [string, string, GraphVersion];
    const extra = unmanaged.map((label, index) => ({
      id: `ffffffff-0000-4000-8000-${String(index).padStart(12, "0")}`,
      displayName: `${label} !`,
    }));
    return { tenant, kind, graphVersion, objects: [...live, ...extra] };
  });
  const tenants = [...new Set(objects.map((object) => object.tenant))];
  return { desired: desiredState(objects, tenants), live: { collections, failures: [] }, drifted };
}

/** The same world with its arrays in another order: a plan must not notice. */
export function shuffledWorld(world: World, seed: number): World {
  const shuffle = <T>(items: readonly T[], salt: number): T[] =>
    items
      .map((item, index) => ({
        item,
        key: ((index + 1) * 2654435761 + seed * 40503 + salt) % 4294967291,
      }))
      .sort((a, b) => a.key - b.key)
      .map(({ item }) => item);
  return {
    ...world,
    desired: {
      ...world.desired,
      objects: shuffle(world.desired.objects, 1),
      tenants: shuffle(world.desired.tenants, 2),
    },
    live: {
      collections: shuffle(world.live.collections, 3).map((collection, index) => ({
        ...collection,
        objects: shuffle(collection.objects, 4 + index),
      })),
      failures: shuffle(world.live.failures, 5),
    },
  };
}

/** Some failed reads for a world, built from its collections. */
export function withFailures(world: World, picks: readonly number[]): World {
  const failures: LiveReadFailure[] = picks.flatMap((pick, index) => {
    const collection = world.live.collections[pick % Math.max(world.live.collections.length, 1)];
    if (!collection) return [];
    return index % 2 === 0
      ? [
          {
            tenant: collection.tenant,
            message: "AADSTS7000215: invalid client secret",
            status: 401,
          },
        ]
      : [
          {
            tenant: collection.tenant,
            kind: collection.kind,
            graphVersion: collection.graphVersion,
            message: "Forbidden: missing permission (request-id 1234)",
            status: 403,
            code: "Forbidden",
            requestId: "1234",
          },
        ];
  });
  return { ...world, live: { ...world.live, failures } };
}

/** Strings that stress renderers: Markdown and HTML syntax, escapes, control and bidi characters. */
const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom(
    "a|b",
    "`code`",
    "<script>alert(1)</script>",
    "@octocat #1 :tada: $x$ https://evil.example www.evil.example",
    "\u001b[31mred\u001b[0m",
    "line\nbreak\r\n",
    "\u202eevil",
    "**bold** _it_ [link](https://x) ![img](y)",
    "</details></summary></code>",
    "&amp; &#124;",
  ),
);

const assignmentsValue: fc.Arbitrary<JsonValue> = fc.array(
  fc.oneof(
    fc.record({
      target: fc.record({
        "@odata.type": fc.oneof(
          fc.constantFrom(...assignmentTargetTypes("beta").map((type) => type.odataType)),
          nastyString,
        ),
        groupId: nastyString,
      }),
    }),
    fc.jsonValue() as fc.Arbitrary<JsonValue>,
  ),
  { maxLength: 4 },
);

const anyValue: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.jsonValue() as fc.Arbitrary<JsonValue>,
  nastyString,
  assignmentsValue,
);

const propertyName = fc.oneof(
  fc.constantFrom("groupsRequiringPartnerEnrollment", "onboardingStatus", "lastConnectionDateTime"),
  nastyString,
);

/**
 * Any plan the model's types allow, valid or not: renderers must never throw on one (a plan file
 * could hold it, and a bug elsewhere should not hide the plan).
 */
export function anyPlanArbitrary(options: { maxChanges?: number } = {}): fc.Arbitrary<Plan> {
  const change: fc.Arbitrary<ResourceChange> = fc.record(
    {
      address: nastyString,
      kind: fc.oneof(fc.constantFrom(...RESOURCES.map((resource) => resource.kind)), nastyString),
      graphType: nastyString,
      name: nastyString,
      tenant: nastyString,
      graphVersion: fc.constantFrom(...GRAPH_VERSIONS),
      collectionPath: nastyString,
      liveId: nastyString,
      liveDisplayName: fc.option(nastyString, { nil: null }),
      changes: fc.array(
        fc.record({
          property: propertyName,
          before: fc.option(anyValue, { nil: undefined }),
          after: anyValue,
        }),
        { maxLength: 4 },
      ),
      patch: fc.dictionary(nastyString, anyValue, { maxKeys: 3 }),
      fingerprint: nastyString,
      mode: fc.constant("observe" as const),
    },
    {
      requiredKeys: [
        "address",
        "kind",
        "graphType",
        "name",
        "tenant",
        "graphVersion",
        "collectionPath",
        "liveId",
        "liveDisplayName",
        "changes",
        "patch",
        "fingerprint",
      ],
    },
  );
  const problem: fc.Arbitrary<PlanProblem> = fc.record(
    {
      code: fc.constantFrom("not-found", "ambiguous", "duplicate-match", "read-failed"),
      tenant: nastyString,
      address: nastyString,
      summary: nastyString,
      detail: nastyString,
      source: fc.record({ file: nastyString, line: fc.nat(), column: fc.nat() }),
      candidates: fc.array(
        fc.record({ id: nastyString, displayName: fc.option(nastyString, { nil: null }) }),
        { maxLength: 12 },
      ),
    },
    { requiredKeys: ["code", "tenant", "summary", "detail"] },
  );
  return fc.record(
    {
      formatVersion: fc.constant(1 as const),
      toolVersion: nastyString,
      configDigest: nastyString,
      tenants: fc.array(nastyString, { maxLength: 4 }),
      changes: fc.array(change, { maxLength: options.maxChanges ?? 5 }),
      unchangedCount: fc.nat(),
      unchangedByTenant: fc.dictionary(nastyString, fc.nat(), { maxKeys: 4 }),
      problems: fc.array(problem, { maxLength: 5 }),
    },
    {
      requiredKeys: [
        "formatVersion",
        "toolVersion",
        "configDigest",
        "tenants",
        "changes",
        "unchangedCount",
        "problems",
      ],
    },
  );
}
