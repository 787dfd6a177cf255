import { z } from "../zod.ts";
import { propertyBehaviour } from "../resources/property-types/registry.ts";
import { findProperty, findResource } from "../resources/registry.ts";
import { GRAPH_VERSIONS } from "../resources/types.ts";
import { canonicalJson } from "../canonical-json.ts";
import { PLAN_FORMAT_VERSION, type Plan, type ResourceChange } from "./model.ts";
import { changeFromJson, storedElementChangesProblem } from "./property-change.ts";

/**
 * The zod schema of the plan a saved plan file holds (format 2: the model in snake_case, as
 * `saved-plan-json.ts` writes it), read back into a `Plan`: the shape plus the invariants
 * the applier relies on, so that a plan edited by hand (or made up) cannot send anything a plan
 * made by `createPlan` would not:
 * - a change names a registered kind, and its graph type, collection path and address are the
 *   ones the registry gives (so a PATCH cannot be sent to another path);
 * - its live id is one path segment;
 * - its declared properties (if listed) are the kind's, and include every changed one;
 * - its patch has exactly the changed properties (`changes`), each one the kind has in that
 *   Graph version, never `id` nor an annotation, each equal to the change's `after`; an
 *   assignment collection is a list of `{ target }` whose only annotation is `@odata.type`;
 * - a set-valued property's `element_changes`, when the file has them, are exactly what its
 *   type computes from `before` and `after` (a file saved before they were written has none:
 *   they are computed, so a reviewed plan stays applicable and shows the same);
 * - addresses are unique and changes sorted by address; tenants sorted and unique;
 * - `unchanged_by_tenant` covers planned tenants only and sums to `unchanged_count`.
 * The checks run on the file's keys, so that a refusal names the key as the file spells it.
 */

const Json = z.json();

/** One path segment, and not a relative one: the applier PATCHes `collectionPath/liveId`. */
const LiveId = z
  .string()
  .regex(/^[^/\\?#%\s]+$/, "must be one URL path segment")
  .refine((id) => id !== "." && id !== "..", "must be one URL path segment");

const Fingerprint = z.string().regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest");

const GraphVersionSchema = z.enum(GRAPH_VERSIONS as ["v1.0", "beta"]);

/**
 * `before` may be `undefined` in the model, which JSON drops: read back, the key is there again.
 * `element_changes` are checked against what the property's type computes from `before` and
 * `after` (below), and the model takes the computed ones.
 */
const PropertyChangeSchema = z.strictObject({
  property: z.string().min(1),
  before: Json.optional(),
  after: Json,
  element_changes: z.array(Json).optional(),
});

const ResourceChangeSchema = z
  .strictObject({
    address: z.string().min(1),
    kind: z.string().min(1),
    graph_type: z.string().min(1),
    name: z.string().min(1),
    tenant: z.string().min(1),
    graph_version: GraphVersionSchema,
    collection_path: z.string().min(1),
    live_id: LiveId,
    live_display_name: z.string().nullable(),
    property_changes: z.array(PropertyChangeSchema).min(1),
    patch: z.record(z.string(), Json),
    declared_properties: z.array(z.string()).optional(),
    fingerprint: Fingerprint,
    mode: z.literal("observe").optional(),
  })
  .superRefine((change, context) => {
    const issue = (message: string, path: (string | number)[]) =>
      context.addIssue({ code: "custom", message, path });
    const resource = findResource(change.kind);
    if (!resource) {
      issue(`unknown kind ${JSON.stringify(change.kind)}`, ["kind"]);
      return;
    }
    if (change.graph_type !== resource.graphType) issue("does not match the kind", ["graph_type"]);
    if (change.collection_path !== resource.collectionPath) {
      issue(`must be ${resource.collectionPath} for ${resource.kind}`, ["collection_path"]);
    }
    if (change.address !== `${resource.graphType}[${change.tenant}].${change.name}`) {
      issue("must be graph_type[tenant].name", ["address"]);
    }
    const properties = change.property_changes.map((propertyChange) => propertyChange.property);
    if (new Set(properties).size !== properties.length)
      issue("lists a property twice", ["property_changes"]);
    const patchKeys = Object.keys(change.patch);
    if (
      patchKeys.length !== properties.length ||
      patchKeys.some((key) => !properties.includes(key))
    ) {
      issue("must have exactly the properties listed in property_changes", ["patch"]);
    }
    if (change.declared_properties) {
      const declared = change.declared_properties;
      if (new Set(declared).size !== declared.length) {
        issue("lists a property twice", ["declared_properties"]);
      }
      for (const name of declared) {
        if (
          name === "id" ||
          name.includes("@") ||
          !findProperty(resource, change.graph_version, name)
        ) {
          issue(
            `${JSON.stringify(name)} is not a ${change.graph_version} property of ${resource.kind}`,
            ["declared_properties"],
          );
        }
      }
      if (properties.some((name) => !declared.includes(name))) {
        issue("must include every changed property", ["declared_properties"]);
      }
    }
    change.property_changes.forEach((propertyChange, index) => {
      const { property } = propertyChange;
      const definition = findProperty(resource, change.graph_version, property);
      if (property === "id" || property.includes("@") || !definition) {
        issue(
          `${JSON.stringify(property)} is not a ${change.graph_version} property of ${resource.kind}`,
          ["property_changes", index, "property"],
        );
        return;
      }
      const { before, after, element_changes: stored } = propertyChange;
      const values = { property, before, after };
      const wrong =
        stored && storedElementChangesProblem(resource, change.graph_version, stored, values);
      if (wrong) issue(wrong, ["property_changes", index, "element_changes"]);
      const sent = change.patch[property];
      if (sent === undefined) return;
      if (canonicalJson(sent) !== canonicalJson(propertyChange.after)) {
        issue("must equal the change's after", ["patch", property]);
      }
      const problem = propertyBehaviour(definition.type).patchProblem(sent);
      if (problem) issue(problem, ["patch", property]);
    });
  })
  .transform((change): ResourceChange => ({
    // Element changes computed from before and after: equal to the file's own (checked above),
    // and present also in a file saved before they were written.
    ...changeFromJson(change),
    ...(change.declared_properties === undefined
      ? {}
      : { declaredProperties: change.declared_properties }),
    fingerprint: change.fingerprint,
    ...(change.mode === undefined ? {} : { mode: change.mode }),
  }));

const SourceSchema = z.strictObject({
  file: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
});

const CandidateSchema = z
  .strictObject({ id: z.string(), display_name: z.string().nullable() })
  .transform(({ id, display_name }) => ({ id, displayName: display_name }));

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

const HealthFindingSchema = z.strictObject({
  address: z.string().min(1),
  tenant: z.string().min(1),
  code: z.enum(["unhealthy-state", "stale", "expired", "expiring"]),
  property: z.string().min(1),
  value: Json,
  threshold_hours: z.number().nonnegative().optional(),
  summary: z.string(),
});

export const PlanSchema = z
  .strictObject({
    tool_version: z.string().min(1),
    config_digest: z.string(),
    tenants: z.array(z.string().min(1)),
    changes: z.array(ResourceChangeSchema),
    unchanged_count: z.number().int().nonnegative(),
    unchanged_by_tenant: z.record(z.string(), z.number().int().nonnegative()).optional(),
    problems: z.array(PlanProblemSchema),
    // Shown only: apply writes from `changes` alone, so these need no cross-checks.
    accepted: z.array(AcceptedDifferenceSchema).optional(),
    warnings: z.array(PlanWarningSchema).optional(),
    expiring_acceptances: z.array(ExpiringAcceptanceSchema).optional(),
    compared_by_object: z.record(z.string(), z.number().int().nonnegative()).optional(),
    health: z.array(HealthFindingSchema).optional(),
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
    if (plan.unchanged_by_tenant) {
      const entries = Object.entries(plan.unchanged_by_tenant);
      if (entries.some(([tenant]) => !tenants.has(tenant))) {
        issue("names a tenant that was not planned", ["unchanged_by_tenant"]);
      }
      if (entries.reduce((sum, [, count]) => sum + count, 0) !== plan.unchanged_count) {
        issue("must sum to unchanged_count", ["unchanged_by_tenant"]);
      }
    }
  })
  .transform((plan): Plan => ({
    formatVersion: PLAN_FORMAT_VERSION,
    toolVersion: plan.tool_version,
    configDigest: plan.config_digest,
    tenants: plan.tenants,
    changes: plan.changes,
    unchangedCount: plan.unchanged_count,
    ...(plan.unchanged_by_tenant === undefined
      ? {}
      : { unchangedByTenant: plan.unchanged_by_tenant }),
    problems: plan.problems,
    ...(plan.accepted === undefined ? {} : { accepted: plan.accepted }),
    ...(plan.warnings === undefined ? {} : { warnings: plan.warnings }),
    ...(plan.expiring_acceptances === undefined
      ? {}
      : { expiringAcceptances: plan.expiring_acceptances }),
    ...(plan.compared_by_object === undefined ? {} : { comparedByObject: plan.compared_by_object }),
    ...(plan.health === undefined
      ? {}
      : {
          health: plan.health.map(({ threshold_hours, ...finding }) => ({
            ...finding,
            ...(threshold_hours === undefined ? {} : { thresholdHours: threshold_hours }),
          })),
        }),
  }));
