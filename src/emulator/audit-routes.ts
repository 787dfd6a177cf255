import type { JsonObject } from "../json.ts";
import { parseDateTimeOffset } from "../date-time-offset.ts";
import type { AuditLog } from "./audit-log.ts";
import { parseAuditFilter, parseAuditOrderBy } from "./audit-query.ts";
import { graphError, intuneMessage } from "./graph-errors.ts";
import { GRAPH_JSON, jsonResponse, type EmulatorResponse, type RequestIds } from "./http.ts";
import type { GraphApiVersion } from "./metadata-schema.ts";

/**
 * `GET /{version}/deviceManagement/auditEvents`: Intune's audit log, with `$filter`, `$orderby`,
 * `$top` and paging by `@odata.nextLink` (`$skiptoken`). Reading it takes
 * DeviceManagementApps.Read.All or .ReadWrite.All, as Microsoft's list page says (an app that
 * can read and write the partner objects gets 403 here without it).
 */

export const AUDIT_EVENTS_PATH = /^\/(v1\.0|beta)\/deviceManagement\/auditEvents\/?$/i;

export const AUDIT_READ_ROLES = [
  "DeviceManagementApps.Read.All",
  "DeviceManagementApps.ReadWrite.All",
] as const;

/** Beta-only members of auditActor: v1.0 does not show them. */
const BETA_ACTOR_PROPERTIES = ["remoteTenantId", "remoteUserId", "userRoleScopeTags"];

const SUPPORTED_OPTIONS = ["$filter", "$orderby", "$top", "$skiptoken"];

export interface AuditListRequest {
  readonly method: string;
  readonly version: GraphApiVersion;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly roles: readonly string[];
  readonly ids: RequestIds;
}

export function handleAuditEvents(
  log: AuditLog,
  tenantId: string,
  baseUrl: string,
  pageSize: number,
  request: AuditListRequest,
): EmulatorResponse {
  const { ids, query } = request;
  if (!AUDIT_READ_ROLES.some((role) => request.roles.includes(role))) {
    const message = `Application is not authorized to perform this operation. Application must have one of the following scopes: ${AUDIT_READ_ROLES.join(", ")}`;
    return graphError(ids, 403, "Forbidden", intuneMessage(ids, message, request.path));
  }
  if (request.method !== "GET") {
    return graphError(
      ids,
      405,
      "No method match route template",
      `No OData route exists that match template ~/singleton/navigation with http verb ${request.method} for request ${request.path}.`,
    );
  }
  for (const key of query.keys()) {
    if (key.startsWith("$") && !SUPPORTED_OPTIONS.includes(key)) {
      return badRequest(
        ids,
        `Query option '${key}' is not supported by the intune-gitops Graph emulator on auditEvents (it supports ${SUPPORTED_OPTIONS.join(", ")}).`,
      );
    }
  }
  let events = log.list(tenantId);
  const filterText = query.get("$filter");
  if (filterText !== null && filterText.trim() !== "") {
    const predicate = parseAuditFilter(filterText);
    if (typeof predicate !== "function") return badRequest(ids, predicate.error);
    events = events.filter(predicate);
  }
  const orderText = query.get("$orderby");
  if (orderText !== null) {
    const order = parseAuditOrderBy(orderText);
    if ("error" in order) return badRequest(ids, order.error);
    events = sortByTime(events, order.descending);
  }
  const topText = query.get("$top");
  if (topText !== null && !/^\d+$/.test(topText)) {
    return badRequest(
      ids,
      `Invalid value '${topText}' for $top query option found. The $top query option requires a non-negative integer value.`,
    );
  }
  const skipText = query.get("$skiptoken");
  const offset = skipText === null ? 0 : decodeOffset(skipText);
  if (offset === undefined)
    return badRequest(ids, `The $skiptoken '${skipText ?? ""}' is not valid.`);
  const size = Math.min(topText === null ? pageSize : Number(topText), pageSize);
  const page = events.slice(offset, offset + size);
  const body: Record<string, unknown> = {
    "@odata.context": `${baseUrl}/${request.version}/$metadata#deviceManagement/auditEvents`,
  };
  if (size > 0 && offset + size < events.length) {
    const next = new URLSearchParams();
    if (filterText !== null) next.set("$filter", filterText);
    if (orderText !== null) next.set("$orderby", orderText);
    if (topText !== null) next.set("$top", topText);
    next.set("$skiptoken", Buffer.from(`offset:${offset + size}`).toString("base64url"));
    body["@odata.nextLink"] =
      `${baseUrl}/${request.version}/deviceManagement/auditEvents?${next.toString()}`;
  }
  body["value"] = page.map((event) => forVersion(event, request.version));
  return jsonResponse(200, body, {}, GRAPH_JSON);
}

function forVersion(event: JsonObject, version: GraphApiVersion): JsonObject {
  const actor = event["actor"];
  if (version === "beta" || typeof actor !== "object" || actor === null || Array.isArray(actor))
    return event;
  const v1Actor = Object.fromEntries(
    Object.entries(actor).filter(([name]) => !BETA_ACTOR_PROPERTIES.includes(name)),
  );
  return { ...event, actor: v1Actor };
}

function sortByTime(events: JsonObject[], descending: boolean): JsonObject[] {
  const ticks = (event: JsonObject): bigint => {
    const value = event["activityDateTime"];
    const parsed = typeof value === "string" ? parseDateTimeOffset(value) : undefined;
    return parsed?.ok === true ? parsed.ticks : 0n;
  };
  // Stable: events of the same instant keep the order they were recorded in (newest first when
  // descending, so "the latest change" is the one recorded last).
  const recorded = descending ? [...events].reverse() : [...events];
  return recorded.sort((a, b) => {
    const difference = ticks(a) - ticks(b);
    const ascending = difference < 0n ? -1 : difference > 0n ? 1 : 0;
    return descending ? -ascending : ascending;
  });
}

function decodeOffset(token: string): number | undefined {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  return match ? Number(match[1]) : undefined;
}

function badRequest(ids: RequestIds, message: string): EmulatorResponse {
  return graphError(ids, 400, "BadRequest", message);
}
