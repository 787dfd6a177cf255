import { z } from "../zod.ts";
import { compareStrings } from "../canonical-json.ts";
import type { Plan, PlanProblem, ResourceChange } from "../plan/model.ts";
import { GRAPH_VERSIONS } from "../resources/types.ts";
import { changeFromJson } from "../plan/property-change.ts";
import { PLAN_JSON_FORMAT_VERSION } from "../render/plan-json.ts";
import type { DriftAttribution } from "../plan/attribution.ts";
import { AttributionJson, attributionFromJson } from "./attribution-json-reader.ts";

/**
 * Reads back what `plan --format json` wrote (see `render/plan-json.ts`), for reports built over
 * several runs such as the nightly drift job's shards. Only for showing: a plan read here is
 * never applied (that is what the checksummed `plan --out` file is for). Keys added by later
 * versions are ignored; a document of another `format_version` is refused.
 */
export interface PlanJsonDocument {
  readonly plan: Plan;
  readonly shard: { readonly index: number; readonly count: number } | undefined;
  /** Who changed the drifted properties, when the run read the audit log. */
  readonly attribution?: DriftAttribution;
}

const Json = z.json();

const ChangeJson = z.object({
  address: z.string(),
  kind: z.string(),
  graph_type: z.string(),
  name: z.string(),
  tenant: z.string(),
  graph_version: z.enum(GRAPH_VERSIONS),
  collection_path: z.string(),
  live_id: z.string(),
  live_display_name: z.string().nullable(),
  property_changes: z.array(z.object({ property: z.string(), before: Json, after: Json })),
  patch: z.record(z.string(), Json),
  declared_properties: z.array(z.string()).nullable(),
  fingerprint: z.string(),
  mode: z.enum(["manage", "observe"]).optional(),
});

const ProblemJson = z.object({
  code: z.enum([
    "not-found",
    "ambiguous",
    "duplicate-match",
    "read-failed",
    "would-clear-beta-data",
  ]),
  tenant: z.string(),
  address: z.string().nullable(),
  summary: z.string(),
  detail: z.string(),
  source: z.object({ file: z.string(), line: z.number(), column: z.number() }).nullable(),
  candidates: z.array(z.object({ id: z.string(), display_name: z.string().nullable() })),
});

const SourceJson = z.object({ file: z.string(), line: z.number(), column: z.number() });

const AcceptanceJson = z.object({
  address: z.string(),
  tenant: z.string(),
  property: z.string(),
  expires: z.string(),
  owner: z.string(),
  reason: z.string(),
});

const PlanJson = z.object({
  format_version: z.literal(PLAN_JSON_FORMAT_VERSION),
  tool_version: z.string(),
  config_digest: z.string(),
  tenants: z.array(z.string()),
  shard: z.object({ index: z.number().int(), count: z.number().int() }).nullable().optional(),
  summary: z.object({
    unchanged: z.number().int(),
    tenants: z
      .array(z.object({ tenant: z.string(), unchanged: z.number().int().nullable() }))
      .optional(),
  }),
  changes: z.array(ChangeJson),
  problems: z.array(ProblemJson),
  // Written since observe mode and acceptances; absent in older documents.
  accepted: z.array(AcceptanceJson.extend({ live: Json, desired: Json })).optional(),
  warnings: z
    .array(
      z.object({
        code: z.enum(["acceptance-expired", "acceptance-value-moved"]),
        tenant: z.string(),
        address: z.string(),
        summary: z.string(),
        source: SourceJson.nullable(),
      }),
    )
    .optional(),
  expiring_acceptances: z.array(AcceptanceJson).optional(),
  // Written since drift attribution; absent in older documents, null when not read.
  attribution: AttributionJson.nullable().optional(),
  compared_by_object: z.record(z.string(), z.number().int().nonnegative()).nullable().optional(),
  // Written since partner health; absent in older documents.
  health: z
    .array(
      z.object({
        address: z.string(),
        tenant: z.string(),
        code: z.enum(["unhealthy-state", "stale", "expired", "expiring"]),
        property: z.string(),
        value: Json,
        threshold_hours: z.number().nullable(),
        summary: z.string(),
      }),
    )
    .optional(),
});

export function readPlanJson(text: string): PlanJsonDocument | { error: string } {
  if (text.trim() === "") return { error: "it is empty (the plan did not run to the end)" };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { error: "it is not JSON (was it written by 'plan --format json'?)" };
  }
  const parsed = PlanJson.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first === undefined ? "" : ` (${first.path.join(".")}: ${first.message})`;
    return { error: `it is not a 'plan --format json' document of this version${where}` };
  }
  const document = parsed.data;
  const unchangedByTenant = document.summary.tenants?.every((tenant) => tenant.unchanged !== null)
    ? Object.fromEntries(
        document.summary.tenants
          .filter((tenant) => document.tenants.includes(tenant.tenant))
          .map((tenant) => [tenant.tenant, tenant.unchanged ?? 0]),
      )
    : undefined;
  const plan: Plan = {
    formatVersion: 1,
    toolVersion: document.tool_version,
    configDigest: document.config_digest,
    tenants: document.tenants,
    changes: document.changes.map((change): ResourceChange => ({
      // The document's element_changes are what the planner computed from before and after:
      // computed again the same way, for the renderers.
      ...changeFromJson(change),
      ...(change.declared_properties === null
        ? {}
        : { declaredProperties: change.declared_properties }),
      fingerprint: change.fingerprint,
      ...(change.mode === "observe" ? { mode: "observe" } : {}),
    })),
    unchangedCount: document.summary.unchanged,
    ...(unchangedByTenant === undefined ? {} : { unchangedByTenant }),
    problems: document.problems.map((problem): PlanProblem => ({
      code: problem.code,
      tenant: problem.tenant,
      ...(problem.address === null ? {} : { address: problem.address }),
      summary: problem.summary,
      detail: problem.detail,
      ...(problem.source === null ? {} : { source: problem.source }),
      candidates: problem.candidates.map((candidate) => ({
        id: candidate.id,
        displayName: candidate.display_name,
      })),
    })),
    ...(document.accepted === undefined ? {} : { accepted: document.accepted }),
    ...(document.warnings === undefined
      ? {}
      : {
          warnings: document.warnings.map((warning) => ({
            code: warning.code,
            tenant: warning.tenant,
            address: warning.address,
            summary: warning.summary,
            ...(warning.source === null ? {} : { source: warning.source }),
          })),
        }),
    ...(document.expiring_acceptances === undefined
      ? {}
      : { expiringAcceptances: document.expiring_acceptances }),
    ...(document.compared_by_object === undefined || document.compared_by_object === null
      ? {}
      : { comparedByObject: document.compared_by_object }),
    ...(document.health === undefined || document.health.length === 0
      ? {}
      : {
          health: document.health.map(({ threshold_hours, ...finding }) => ({
            ...finding,
            ...(threshold_hours === null ? {} : { thresholdHours: threshold_hours }),
          })),
        }),
  };
  const attribution =
    document.attribution === undefined || document.attribution === null
      ? undefined
      : attributionFromJson(document.attribution);
  return {
    plan,
    shard: document.shard ?? undefined,
    ...(attribution === undefined ? {} : { attribution }),
  };
}

/**
 * Several plans (one per shard) as one: tenants, changes and problems in the order a single run
 * would give them. The plans must come from the same configuration and tool version.
 */
export function mergePlans(plans: readonly Plan[]): Plan {
  const first = plans[0];
  const unchangedByTenant: Record<string, number> = {};
  let complete = true;
  // Each "absent when none" in the Plan, so a merged plan without any reads as a single one.
  const accepted = plans.flatMap((plan) => plan.accepted ?? []).sort(byAddress);
  const warnings = plans.flatMap((plan) => plan.warnings ?? []).sort(byAddress);
  const expiringAcceptances = plans
    .flatMap((plan) => plan.expiringAcceptances ?? [])
    .sort((a, b) => compareStrings(a.expires, b.expires) || byAddress(a, b));
  const health = plans.flatMap((plan) => plan.health ?? []).sort(byAddress);
  // Shards plan different tenants: the counts add up; unknown when a shard did not say.
  const comparedByObject: Record<string, number> = {};
  for (const plan of plans)
    for (const [object, count] of Object.entries(plan.comparedByObject ?? {}))
      comparedByObject[object] = (comparedByObject[object] ?? 0) + count;
  const compared = plans.every((plan) => plan.comparedByObject !== undefined);
  for (const plan of plans) {
    if (plan.unchangedByTenant === undefined) complete = false;
    else Object.assign(unchangedByTenant, plan.unchangedByTenant);
  }
  return {
    formatVersion: 1,
    toolVersion: first?.toolVersion ?? "",
    configDigest: first?.configDigest ?? "",
    tenants: plans.flatMap((plan) => plan.tenants).sort(compareStrings),
    changes: plans
      .flatMap((plan) => plan.changes)
      .sort((a, b) => compareStrings(a.address, b.address)),
    unchangedCount: plans.reduce((sum, plan) => sum + plan.unchangedCount, 0),
    ...(complete ? { unchangedByTenant } : {}),
    problems: plans
      .flatMap((plan) => plan.problems)
      .sort(
        (a, b) =>
          compareStrings(a.tenant, b.tenant) || compareStrings(a.address ?? "", b.address ?? ""),
      ),
    ...(accepted.length === 0 ? {} : { accepted }),
    ...(warnings.length === 0 ? {} : { warnings }),
    ...(expiringAcceptances.length === 0 ? {} : { expiringAcceptances }),
    ...(compared && plans.length > 0 ? { comparedByObject } : {}),
    ...(health.length === 0 ? {} : { health }),
  };
}

function byAddress(a: { readonly address: string }, b: { readonly address: string }): number {
  return compareStrings(a.address, b.address);
}
