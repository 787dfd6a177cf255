import type { SourceLocation } from "../diagnostics.ts";
import type { JsonObject, JsonValue } from "../json.ts";
import type { ElementDiff } from "../resources/property-types/behaviour.ts";
import type {
  AcceptedDifference,
  ExpiringAcceptance,
  Plan,
  PlanProblem,
  PropertyChange,
  ResourceChange,
} from "./model.ts";

/**
 * The plan model as the saved plan (format 2) holds it: the model's keys in snake_case, like
 * every JSON document the tool writes (`docs/formats.md`); `plan-schema.ts` reads it back into
 * the model. Graph's data (`patch`, `before`, `after`, an acceptance's `live` and `desired`) and
 * tenant names (the keys of `unchanged_by_tenant`) are values and keep their own spelling. An
 * optional model field that is unset is left out, so that a plan reads back exactly as it was
 * (the saved plan's round-trip property test checks this for every plan `createPlan` makes).
 */
export function savedPlanJson(plan: Plan): JsonObject {
  return {
    tool_version: plan.toolVersion,
    config_digest: plan.configDigest,
    tenants: [...plan.tenants],
    changes: plan.changes.map(changeJson),
    unchanged_count: plan.unchangedCount,
    ...(plan.unchangedByTenant === undefined
      ? {}
      : { unchanged_by_tenant: { ...plan.unchangedByTenant } }),
    problems: plan.problems.map(problemJson),
    ...(plan.accepted === undefined
      ? {}
      : {
          accepted: plan.accepted.map(acceptedDifferenceJson),
        }),
    ...(plan.warnings === undefined
      ? {}
      : {
          warnings: plan.warnings.map((warning) => ({
            code: warning.code,
            tenant: warning.tenant,
            address: warning.address,
            summary: warning.summary,
            ...sourceJson(warning.source),
          })),
        }),
    ...(plan.expiringAcceptances === undefined
      ? {}
      : {
          expiring_acceptances: plan.expiringAcceptances.map(expiringAcceptanceJson),
        }),
    ...(plan.comparedByObject === undefined
      ? {}
      : { compared_by_object: { ...plan.comparedByObject } }),
    ...(plan.health === undefined
      ? {}
      : {
          health: plan.health.map((finding) => ({
            address: finding.address,
            tenant: finding.tenant,
            code: finding.code,
            property: finding.property,
            value: finding.value,
            ...(finding.thresholdHours === undefined
              ? {}
              : { threshold_hours: finding.thresholdHours }),
            summary: finding.summary,
          })),
        }),
  };
}

function changeJson(change: ResourceChange): JsonObject {
  return {
    ...changeHeaderJson(change),
    property_changes: change.changes.map(propertyChangeJson),
    patch: change.patch,
    ...(change.declaredProperties === undefined
      ? {}
      : { declared_properties: [...change.declaredProperties] }),
    fingerprint: change.fingerprint,
    ...(change.mode === undefined ? {} : { mode: change.mode }),
  };
}

/** An accepted difference, as the saved plan and `plan --format json` both write it. */
export function acceptedDifferenceJson(difference: AcceptedDifference): JsonObject {
  return {
    address: difference.address,
    tenant: difference.tenant,
    property: difference.property,
    live: difference.live,
    desired: difference.desired,
    expires: difference.expires,
    owner: difference.owner,
    reason: difference.reason,
  };
}

/** An acceptance that ends soon, as the saved plan and `plan --format json` both write it. */
export function expiringAcceptanceJson(acceptance: ExpiringAcceptance): JsonObject {
  return {
    address: acceptance.address,
    tenant: acceptance.tenant,
    property: acceptance.property,
    expires: acceptance.expires,
    owner: acceptance.owner,
    reason: acceptance.reason,
  };
}

/**
 * Which object a change is about, in the keys the saved plan and `plan --format json`
 * (`render/plan-json.ts`) share, in their order.
 */
export function changeHeaderJson(change: ResourceChange): JsonObject {
  return {
    address: change.address,
    kind: change.kind,
    graph_type: change.graphType,
    name: change.name,
    tenant: change.tenant,
    graph_version: change.graphVersion,
    collection_path: change.collectionPath,
    live_id: change.liveId,
    live_display_name: change.liveDisplayName,
  };
}

/**
 * `before` is `undefined` only in plans made by hand; JSON has no such value, so it is left out.
 * `element_changes` only for a set-valued property (`plan-schema.ts` checks them on read).
 */
function propertyChangeJson(change: PropertyChange): JsonObject {
  return {
    property: change.property,
    ...(change.before === undefined ? {} : { before: change.before }),
    after: change.after,
    ...(change.elementChanges === undefined
      ? {}
      : { element_changes: elementChangesJson(change.elementChanges) }),
  };
}

/**
 * A set's element changes as the saved plan and `plan --format json` both write them: additions,
 * removals, then elements whose identity stays while some fields change (with those fields).
 */
export function elementChangesJson(diff: ElementDiff): JsonObject[] {
  return [
    ...diff.added.map((element) => ({ change: "add", before: null, after: element, fields: [] })),
    ...diff.removed.map((element) => ({
      change: "remove",
      before: element,
      after: null,
      fields: [],
    })),
    ...diff.changed.map((element) => ({
      change: "update",
      before: element.before,
      after: element.after,
      fields: element.fields.map(({ field, before, after }) => ({ field, before, after })),
    })),
  ];
}

function problemJson(problem: PlanProblem): JsonObject {
  return {
    code: problem.code,
    tenant: problem.tenant,
    ...(problem.address === undefined ? {} : { address: problem.address }),
    summary: problem.summary,
    detail: problem.detail,
    ...sourceJson(problem.source),
    ...(problem.candidates === undefined
      ? {}
      : {
          candidates: problem.candidates.map((candidate) => ({
            id: candidate.id,
            display_name: candidate.displayName,
          })),
        }),
    ...(problem.cause === undefined ? {} : { cause: problem.cause }),
  };
}

function sourceJson(source: SourceLocation | undefined): { source?: JsonValue } {
  return source === undefined
    ? {}
    : { source: { file: source.file, line: source.line, column: source.column } };
}
