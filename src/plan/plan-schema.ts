import { z } from "../zod.ts";
import type { JsonValue } from "../json.ts";
import { findProperty, findResource } from "../resources/registry.ts";
import { GRAPH_VERSIONS } from "../resources/types.ts";
import { canonicalJson } from "../canonical-json.ts";
import { PLAN_FORMAT_VERSION, type Plan } from "./model.ts";

/**
 * The zod schema of a `Plan` read back from a file: the shape of the model plus the invariants
 * the applier relies on, so that a plan edited by hand (or made up) cannot send anything a plan
 * made by `createPlan` would not:
 * - a change names a registered kind, and its graph type, collection path and address are the
 *   ones the registry gives (so a PATCH cannot be sent to another path);
 * - its live id is one path segment;
 * - its declared properties (if listed) are the kind's, and include every changed one;
 * - its patch has exactly the changed properties (`changes`), each one the kind has in that
 *   Graph version, never `id` nor an annotation, each equal to the change's `after`; an
 *   assignment collection is a list of `{ target }` whose only annotation is `@odata.type`;
 * - addresses are unique and changes sorted by address; tenants sorted and unique;
 * - `unchangedByTenant` covers planned tenants only and sums to `unchangedCount`.
 */

const Json = z.json();

/** One path segment, and not a relative one: the applier PATCHes `collectionPath/liveId`. */
const LiveId = z
  .string()
  .regex(/^[^/\\?#%\s]+$/, "must be one URL path segment")
  .refine((id) => id !== "." && id !== "..", "must be one URL path segment");

const Fingerprint = z.string().regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest");

const GraphVersionSchema = z.enum(GRAPH_VERSIONS as ["v1.0", "beta"]);

/** `before` may be `undefined` in the model, which JSON drops: read back, the key is there again. */
const PropertyChangeSchema = z
  .strictObject({
    property: z.string().min(1),
    before: Json.optional(),
    after: Json,
  })
  .transform(({ property, before, after }) => ({ property, before, after }));

const ResourceChangeSchema = z
  .strictObject({
    address: z.string().min(1),
    kind: z.string().min(1),
    graphType: z.string().min(1),
    name: z.string().min(1),
    tenant: z.string().min(1),
    graphVersion: GraphVersionSchema,
    collectionPath: z.string().min(1),
    liveId: LiveId,
    liveDisplayName: z.string().nullable(),
    changes: z.array(PropertyChangeSchema).min(1),
    patch: z.record(z.string(), Json),
    declaredProperties: z.array(z.string()).optional(),
    fingerprint: Fingerprint,
    mode: z.literal("observe").optional(),
  })
  .superRefine((change, context) => {
    const issue = (message: string, path: (string | number)[] = []) =>
      context.addIssue({ code: "custom", message, path });
    const resource = findResource(change.kind);
    if (!resource) {
      issue(`unknown kind ${JSON.stringify(change.kind)}`, ["kind"]);
      return;
    }
    if (change.graphType !== resource.graphType) issue("does not match the kind", ["graphType"]);
    if (change.collectionPath !== resource.collectionPath) {
      issue(`must be ${resource.collectionPath} for ${resource.kind}`, ["collectionPath"]);
    }
    if (change.address !== `${resource.graphType}[${change.tenant}].${change.name}`) {
      issue("must be graphType[tenant].name", ["address"]);
    }
    const properties = change.changes.map((propertyChange) => propertyChange.property);
    if (new Set(properties).size !== properties.length)
      issue("lists a property twice", ["changes"]);
    const patchKeys = Object.keys(change.patch);
    if (
      patchKeys.length !== properties.length ||
      patchKeys.some((key) => !properties.includes(key))
    ) {
      issue("must have exactly the properties listed in changes", ["patch"]);
    }
    if (change.declaredProperties) {
      const declared = change.declaredProperties;
      if (new Set(declared).size !== declared.length) {
        issue("lists a property twice", ["declaredProperties"]);
      }
      for (const name of declared) {
        if (
          name === "id" ||
          name.includes("@") ||
          !findProperty(resource, change.graphVersion, name)
        ) {
          issue(
            `${JSON.stringify(name)} is not a ${change.graphVersion} property of ${resource.kind}`,
            ["declaredProperties"],
          );
        }
      }
      if (properties.some((name) => !declared.includes(name))) {
        issue("must include every changed property", ["declaredProperties"]);
      }
    }
    change.changes.forEach((propertyChange, index) => {
      const { property } = propertyChange;
      const definition = findProperty(resource, change.graphVersion, property);
      if (property === "id" || property.includes("@") || !definition) {
        issue(
          `${JSON.stringify(property)} is not a ${change.graphVersion} property of ${resource.kind}`,
          ["changes", index, "property"],
        );
        return;
      }
      const sent = change.patch[property];
      if (sent === undefined) return;
      if (canonicalJson(sent) !== canonicalJson(propertyChange.after)) {
        issue("must equal the change's after", ["patch", property]);
      }
      if (definition.type.kind === "assignments") {
        const problem = assignmentsProblem(sent);
        if (problem) issue(problem, ["patch", property]);
      }
    });
  });

/** Why an assignment collection is not `[{ target: { "@odata.type": …, … } }, …]`, if it is not. */
function assignmentsProblem(value: JsonValue): string | undefined {
  if (value === null) return undefined;
  if (!Array.isArray(value)) return "must be a list of assignments";
  for (const element of value) {
    if (typeof element !== "object" || element === null || Array.isArray(element)) {
      return "each assignment must be an object";
    }
    if (Object.keys(element).some((key) => key !== "target")) {
      return "an assignment has only a target";
    }
    const target = element["target"];
    if (typeof target !== "object" || target === null || Array.isArray(target)) {
      return "each assignment needs a target object";
    }
    if (typeof target["@odata.type"] !== "string") return "each target needs its @odata.type";
    if (Object.keys(target).some((key) => key !== "@odata.type" && key.includes("@"))) {
      return "a target's only annotation is @odata.type";
    }
    // Graph stores a group target without its group as null (Microsoft's SDK sends exactly that).
    if (
      /GroupAssignmentTarget$/i.test(String(target["@odata.type"])) &&
      typeof target["groupId"] !== "string"
    ) {
      return "a group target needs its groupId";
    }
  }
  return undefined;
}

const SourceSchema = z.strictObject({
  file: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
});

const CandidateSchema = z.strictObject({ id: z.string(), displayName: z.string().nullable() });

const PlanProblemSchema = z.strictObject({
  code: z.enum([
    "not-found",
    "ambiguous",
    "duplicate-match",
    "read-failed",
    "would-clear-beta-data",
  ]),
  tenant: z.string().min(1),
  address: z.string().min(1).optional(),
  summary: z.string(),
  detail: z.string(),
  source: SourceSchema.optional(),
  candidates: z.array(CandidateSchema).optional(),
  cause: z
    .enum(["credentials", "permissions", "network", "graph-outage", "graph-error", "configuration"])
    .optional(),
});

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");

const AcceptedDifferenceSchema = z.strictObject({
  address: z.string().min(1),
  tenant: z.string().min(1),
  property: z.string().min(1),
  live: Json,
  desired: Json,
  expires: Day,
  owner: z.string(),
  reason: z.string(),
});

const PlanWarningSchema = z.strictObject({
  code: z.enum(["acceptance-expired", "acceptance-value-moved"]),
  tenant: z.string().min(1),
  address: z.string().min(1),
  summary: z.string(),
  source: SourceSchema.optional(),
});

const ExpiringAcceptanceSchema = z.strictObject({
  address: z.string().min(1),
  tenant: z.string().min(1),
  property: z.string().min(1),
  expires: Day,
  owner: z.string(),
  reason: z.string(),
});

export const PlanSchema = z
  .strictObject({
    formatVersion: z.literal(PLAN_FORMAT_VERSION),
    toolVersion: z.string().min(1),
    configDigest: z.string(),
    tenants: z.array(z.string().min(1)),
    changes: z.array(ResourceChangeSchema),
    unchangedCount: z.number().int().nonnegative(),
    unchangedByTenant: z.record(z.string(), z.number().int().nonnegative()).optional(),
    problems: z.array(PlanProblemSchema),
    // Shown only: apply writes from `changes` alone, so these need no cross-checks.
    accepted: z.array(AcceptedDifferenceSchema).optional(),
    warnings: z.array(PlanWarningSchema).optional(),
    expiringAcceptances: z.array(ExpiringAcceptanceSchema).optional(),
  })
  .superRefine((plan, context) => {
    const issue = (message: string, path: (string | number)[]) =>
      context.addIssue({ code: "custom", message, path });
    const sortedUnique = (values: readonly string[]) =>
      values.every((value, index) => index === 0 || values[index - 1]! < value);
    if (!sortedUnique(plan.tenants)) issue("must be sorted and unique", ["tenants"]);
    if (!sortedUnique(plan.changes.map((change) => change.address))) {
      issue("addresses must be unique and sorted", ["changes"]);
    }
    const tenants = new Set(plan.tenants);
    plan.changes.forEach((change, index) => {
      if (!tenants.has(change.tenant))
        issue("is not a planned tenant", ["changes", index, "tenant"]);
    });
    if (plan.unchangedByTenant) {
      const entries = Object.entries(plan.unchangedByTenant);
      if (entries.some(([tenant]) => !tenants.has(tenant))) {
        issue("names a tenant that was not planned", ["unchangedByTenant"]);
      }
      if (entries.reduce((sum, [, count]) => sum + count, 0) !== plan.unchangedCount) {
        issue("must sum to unchangedCount", ["unchangedByTenant"]);
      }
    }
  }) satisfies z.ZodType<Plan>;
