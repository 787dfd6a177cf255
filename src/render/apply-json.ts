import {
  APPLY_FORMAT_VERSION,
  applySucceeded,
  type ApplyError,
  type ApplyResult,
  type ObjectResult,
} from "../apply/model.ts";
import type { JsonObject } from "../json.ts";

/**
 * `apply --format json`: the per-object results for machines. Keys are snake_case and the
 * document carries `format_version` (bumped on any incompatible change), as terraform's JSON does.
 * Optional keys are left out rather than set to null, except `live` in `not_converged`, which is
 * null when the property (or the object) was missing on read-back.
 */
export function applyJsonDocument(result: ApplyResult): JsonObject {
  const { summary } = result;
  return {
    format_version: APPLY_FORMAT_VERSION,
    success: applySucceeded(result),
    refused_as_stale: result.refusedAsStale,
    interrupted: result.interrupted,
    summary: {
      total: summary.total,
      changed: summary.changed,
      already_applied: summary.alreadyApplied,
      failed: summary.failed,
      skipped: summary.skipped,
      stale: summary.stale,
      not_converged: summary.notConverged,
      unverified: summary.unverified,
    },
    results: result.results.map(objectJson),
  };
}

/** The document as text, two-space indented, ending with a newline. */
export function renderApplyJson(result: ApplyResult): string {
  return `${JSON.stringify(applyJsonDocument(result), null, 2)}\n`;
}

function objectJson(object: ObjectResult): JsonObject {
  const json: JsonObject = {
    address: object.address,
    tenant: object.tenant,
    kind: object.kind,
    graph_version: object.graphVersion,
    live_id: object.liveId,
    status: object.status,
    properties: [...object.properties],
  };
  if (object.propertyChanges !== undefined) {
    json["property_changes"] = object.propertyChanges.map((change) => ({
      property: change.property,
      before: change.before ?? null,
      after: change.after,
    }));
  }
  if (object.skipReason !== undefined) json["skip_reason"] = object.skipReason;
  if (object.staleReason !== undefined) json["stale_reason"] = object.staleReason;
  if (object.failedIn !== undefined) json["failed_in"] = object.failedIn;
  if (object.error !== undefined) json["error"] = errorJson(object.error);
  if (object.notConverged !== undefined) {
    json["not_converged"] = object.notConverged.map(({ property, desired, live }) => ({
      property,
      desired,
      live: live ?? null,
    }));
  }
  if (object.httpStatus !== undefined) json["http_status"] = object.httpStatus;
  if (object.durationMs !== undefined) json["duration_ms"] = object.durationMs;
  if (object.requestId !== undefined) json["request_id"] = object.requestId;
  if (object.verifyError !== undefined) json["verify_error"] = errorJson(object.verifyError);
  return json;
}

function errorJson(error: ApplyError): JsonObject {
  const json: JsonObject = { message: error.message };
  if (error.code !== undefined) json["code"] = error.code;
  if (error.status !== undefined) json["status"] = error.status;
  if (error.requestId !== undefined) json["request_id"] = error.requestId;
  if (error.interrupted === true) json["interrupted"] = true;
  return json;
}
