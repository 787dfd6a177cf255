import type { JsonObject, JsonValue } from "../json.ts";
import type { Plan, PlanProblem, ResourceChange } from "../plan/model.ts";
import {
  acceptedDifferenceJson,
  changeHeaderJson,
  elementChangesJson,
  expiringAcceptanceJson,
} from "../plan/saved-plan-json.ts";
import { summarisePlan } from "./plan-values.ts";
import { MappedArray, joinedPieces, jsonPieces } from "../json-pieces.ts";
import type { DriftAttribution } from "../plan/attribution.ts";

/**
 * The plan for machines (`plan --format json`). Version 1 of this format:
 *
 * ```
 * {
 *   "format_version": 1,
 *   "tool_version": "0.1.0",
 *   "config_digest": "<sha256 of the configuration>",
 *   "tenants": ["contoso", …],
 *   "shard": { "index": 2, "count": 4 } | null,
 *   "summary": { "to_change": 2, "observed": 0, "accepted": 0, "unchanged": 5, "errors": 1,
 *     "health": 0, "tenants": [{ "tenant": "contoso", "to_change": 2, "observed": 0, "unchanged": 5,
 *                   "errors": 1 }] },
 *   "changes": [{
 *     "address": "remoteAssistancePartner[contoso].teamviewer",
 *     "kind": "RemoteAssistancePartner", "graph_type": "remoteAssistancePartner",
 *     "name": "teamviewer", "tenant": "contoso", "graph_version": "beta",
 *     "collection_path": "/deviceManagement/remoteAssistancePartners",
 *     "live_id": "…", "live_display_name": "TeamViewer" | null,
 *     "property_changes": [{ "property": "onboardingStatus", "before": …, "after": …,
 *       "element_changes": null | [{ "change": "add" | "remove" | "update",
 *         "before": <target> | null, "after": <target> | null,
 *         "fields": [{ "field": "deviceAndAppManagementAssignmentFilterType",
 *                      "before": "include", "after": "none" }] }] }],
 *     "patch": { "onboardingStatus": "onboarded" },
 *     "declared_properties": ["onboardingUrl", "onboardingStatus"] | null,
 *     "fingerprint": "<sha256 hex of the declared properties' live values>",
 *     "mode": "manage" | "observe"
 *   }],
 *   "problems": [{
 *     "code": "not-found" | "ambiguous" | "duplicate-match" | "read-failed"
 *           | "would-clear-beta-data",
 *     "tenant": "contoso", "address": "…" | null, "summary": "…", "detail": "…",
 *     "source": { "file": "…", "line": 1, "column": 1 } | null,
 *     "candidates": [{ "id": "…", "display_name": "…" | null }],
 *     "cause": "credentials" | "permissions" | "network" | "graph-outage" | "graph-error"
 *       | "configuration" | null
 *   }],
 *   "accepted": [{ "address", "tenant", "property", "live", "desired", "expires", "owner", "reason" }],
 *   "warnings": [{ "code": "acceptance-expired" | "acceptance-value-moved", "tenant", "address",
 *                  "summary", "source": { "file", "line", "column" } | null }],
 *   "expiring_acceptances": [{ "address", "tenant", "property", "expires", "owner", "reason" }],
 *   "attribution": null | {
 *     "window_days": 30, "since": "2026-11-07T09:00:00Z",
 *     "missing_permission": "DeviceManagementApps.Read.All" | null,
 *     "properties": [{ "address", "tenant", "property", "last_change": null | {
 *       "at": "<activityDateTime>", "actor": { "type": "user" | "application", "name",
 *         "user_principal_name", "application_name", "application_id", "remote_tenant_id" },
 *       "old_value", "new_value", "property_listed": true, "event_id", "correlation_id",
 *       "by_this_tool": "client-request-id" | "app-id" | null } }],
 *     "gaps": [{ "tenant", "reason": "permission" | "read-failed" | "pages", "message" }]
 *   },
 *   "compared_by_object": null | { "remoteAssistancePartner.teamviewer": 2, … },
 *   "health": [{ "address", "tenant", "code": "unhealthy-state" | "stale" | "expired"
 *     | "expiring", "property", "value", "threshold_hours": 24 | null, "summary" }]
 * }
 * ```
 *
 * Conventions: the format's own keys are snake_case; Graph's property names (in
 * `property_changes[].property`, `before`, `after` and `patch`) are data and stay as Graph spells
 * them. Every key is always present (`null` when there is no value; `before` is `null` for an
 * absent live value). `before` is the live value normalised (dates in canonical UTC, assignment
 * sets sorted), `after` and `patch` the declared values as sent. Changes are sorted by address,
 * problems by tenant then address. Adding keys is not a format change; removing or renaming one
 * bumps `format_version`. Ends with a newline.
 *
 * Drift or failure: a tenant with `errors > 0` in `summary.tenants` could not be (fully) checked,
 * and `problems` says why; a tenant with `to_change > 0` drifted (or has changes to apply), and
 * `observed > 0` counts drift of observe-only objects (reported, never written). Both
 * can be true of one tenant. The exit code follows terraform (errors win: 1 even when there is
 * drift too), so a drift job reads this document, not the exit code, to report both.
 *
 * Health: `health` lists facts read from the partners (an unhealthy state, a stale heartbeat, an
 * onboarding request that expires), `summary.health` counts them; they are never changes, never
 * drift, and leave the exit code alone.
 */
export const PLAN_JSON_FORMAT_VERSION = 1;

export interface PlanJsonOptions {
  /** The `--shard` the plan covers, so a report over every shard can tell one is missing. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Who last changed the drifted properties (`attribution`: null when absent). */
  readonly attribution?: DriftAttribution;
}

export function renderPlanJson(plan: Plan, options: PlanJsonOptions = {}): string {
  return `${JSON.stringify(planJsonDocument(plan, options), null, 2)}\n`;
}

/**
 * `renderPlanJson`'s text in pieces of about `size` characters, for writing a large plan without
 * holding its text (or its JSON-shaped copy) whole: joined, exactly `renderPlanJson`'s text.
 * Cut between members and elements only (see `jsonPieces`).
 */
export function* planJsonPieces(
  plan: Plan,
  options: PlanJsonOptions = {},
  size = 32 * 1024,
): Generator<string> {
  yield* joinedPieces(withNewline(jsonPieces(planJsonDocument(plan, options), "  ")), size);
}

function* withNewline(pieces: Iterable<string>): Generator<string> {
  yield* pieces;
  yield "\n";
}

/** The document; its long arrays are mapped as they are written (`MappedArray`). */
function planJsonDocument(plan: Plan, options: PlanJsonOptions): Record<string, unknown> {
  const summary = summarisePlan(plan);
  return {
    format_version: PLAN_JSON_FORMAT_VERSION,
    tool_version: plan.toolVersion,
    config_digest: plan.configDigest,
    tenants: [...plan.tenants],
    shard: options.shard === undefined ? null : { ...options.shard },
    summary: {
      to_change: summary.toChange,
      observed: summary.observed,
      accepted: summary.accepted,
      unchanged: summary.unchanged,
      errors: summary.errors,
      health: plan.health?.length ?? 0,
      tenants: new MappedArray(summary.tenants, (tenant) => ({
        tenant: tenant.tenant,
        to_change: tenant.toChange,
        observed: tenant.observed,
        unchanged: tenant.unchanged ?? null,
        errors: tenant.errors,
      })),
    },
    changes: new MappedArray(plan.changes, changeJson),
    problems: new MappedArray(plan.problems, problemJson),
    accepted: (plan.accepted ?? []).map(acceptedDifferenceJson),
    warnings: (plan.warnings ?? []).map((warning) => ({
      code: warning.code,
      tenant: warning.tenant,
      address: warning.address,
      summary: warning.summary,
      source: warning.source
        ? { file: warning.source.file, line: warning.source.line, column: warning.source.column }
        : null,
    })),
    expiring_acceptances: (plan.expiringAcceptances ?? []).map(expiringAcceptanceJson),
    attribution: options.attribution === undefined ? null : attributionJson(options.attribution),
    // Tenants each declared object was compared in (drifted or not): the fleet report's "of N".
    compared_by_object: plan.comparedByObject === undefined ? null : { ...plan.comparedByObject },
    health: new MappedArray(plan.health ?? [], (finding) => ({
      address: finding.address,
      tenant: finding.tenant,
      code: finding.code,
      property: finding.property,
      value: finding.value,
      threshold_hours: finding.thresholdHours ?? null,
      summary: finding.summary,
    })),
  };
}

/** Drift attribution: Graph's values as data, the format's keys in snake_case. */
function attributionJson(attribution: DriftAttribution): Record<string, unknown> {
  return {
    window_days: attribution.windowDays,
    since: attribution.since,
    missing_permission: attribution.missingPermission,
    properties: new MappedArray(attribution.properties, (entry) => ({
      address: entry.address,
      tenant: entry.tenant,
      property: entry.property,
      last_change:
        entry.lastChange === null
          ? null
          : {
              at: entry.lastChange.at,
              actor: {
                type: entry.lastChange.actor.type,
                name: entry.lastChange.actor.name,
                user_principal_name: entry.lastChange.actor.userPrincipalName,
                application_name: entry.lastChange.actor.applicationName,
                application_id: entry.lastChange.actor.applicationId,
                remote_tenant_id: entry.lastChange.actor.remoteTenantId,
              },
              old_value: entry.lastChange.oldValue,
              new_value: entry.lastChange.newValue,
              property_listed: entry.lastChange.propertyListed,
              event_id: entry.lastChange.eventId,
              correlation_id: entry.lastChange.correlationId,
              by_this_tool: entry.lastChange.byThisTool,
            },
    })),
    gaps: attribution.gaps.map((gap) => ({
      tenant: gap.tenant,
      reason: gap.reason,
      message: gap.message,
    })),
  };
}

function changeJson(change: ResourceChange): JsonObject {
  return {
    ...changeHeaderJson(change),
    property_changes: change.changes.map((property) => ({
      property: property.property,
      before: property.before ?? null,
      after: property.after,
      // The plan's own element changes (a set-valued property); null for any other property.
      element_changes:
        property.elementChanges === undefined ? null : elementChangesJson(property.elementChanges),
    })),
    patch: change.patch,
    declared_properties: change.declaredProperties ? [...change.declaredProperties] : null,
    fingerprint: change.fingerprint,
    // "manage" or "observe" (never written by apply): every change says which.
    mode: change.mode ?? "manage",
  };
}

function problemJson(problem: PlanProblem): JsonObject {
  const source: JsonValue = problem.source
    ? { file: problem.source.file, line: problem.source.line, column: problem.source.column }
    : null;
  return {
    code: problem.code,
    tenant: problem.tenant,
    address: problem.address ?? null,
    summary: problem.summary,
    detail: problem.detail,
    source,
    candidates: (problem.candidates ?? []).map((candidate) => ({
      id: candidate.id,
      display_name: candidate.displayName,
    })),
    cause: problem.cause ?? null,
  };
}
