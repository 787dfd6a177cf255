import type { JsonObject } from "../json.ts";
import { ACTION_EFFECTS } from "./actions.ts";
import { auditEventFor, type AuditLog } from "./audit-log.ts";
import { AUDIT_EVENTS_PATH, handleAuditEvents } from "./audit-routes.ts";
import { graphError, intuneMessage } from "./graph-errors.ts";
import { GRAPH_JSON, jsonResponse, type EmulatorResponse, type RequestIds } from "./http.ts";
import {
  GRAPH_API_VERSIONS,
  type EntitySchema,
  type GraphApiVersion,
  type GraphSchema,
} from "./metadata-schema.ts";
import { validateEntityPayload } from "./payload-validation.ts";
import { isAllowed, requiredRoles, type Operation } from "./permissions.ts";
import { renderEntity } from "./representation.ts";
import type { ObjectStore } from "./store.ts";
import type { AccessTokenCheck } from "./tokens.ts";

/**
 * The Graph surface: `/{v1.0|beta}/deviceManagement/{collection}[/{id}[/{action}]]` for every
 * collection the metadata declares, with Graph's checks in Graph's order: authentication (401),
 * route (400), permission (403), query options and body (400), then the object (404).
 */

/** What the routes work with: one per emulator, shared by every request. */
export interface GraphContext {
  readonly schemas: Readonly<Record<GraphApiVersion, GraphSchema>>;
  readonly store: ObjectStore;
  /** `https://127.0.0.1:PORT`: the Graph root in links. */
  readonly baseUrl: string;
  readonly pageSize: number;
  readonly patchStatus: 200 | 204;
  /** Intune's audit log: every accepted PATCH adds an event. */
  readonly audit: AuditLog;
  /** The display name of a tenant's app registration, for the audit event's actor. */
  readonly appDisplayName: (tenantId: string, appId: string) => string;
}

/** One Graph request as the routes need it: the body as text, headers already picked out. */
export interface GraphRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** The bearer token, already verified by the server (once per request). */
  readonly access: AccessTokenCheck;
  readonly contentType: string | undefined;
  readonly body: string;
  readonly ids: RequestIds;
}

/** The answer, and what the request log should know about it. */
export interface GraphOutcome {
  readonly response: EmulatorResponse;
  /** The tenant of the access token, once it was accepted. */
  readonly tenantId?: string;
}

/** Query options the emulator implements; any other `$option` is refused rather than ignored. */
const SUPPORTED_QUERY_OPTIONS = ["$select", "$top", "$skiptoken", "$count"];

const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

export function handleGraphRequest(context: GraphContext, request: GraphRequest): GraphOutcome {
  const { ids } = request;
  const check = request.access;
  if (!check.ok) {
    return {
      response: graphError(ids, 401, "InvalidAuthenticationToken", check.message, {
        "www-authenticate": WWW_AUTHENTICATE,
      }),
    };
  }
  const tenantId = check.claims.tid;
  const respond = (response: EmulatorResponse): GraphOutcome => ({ response, tenantId });

  const audit = AUDIT_EVENTS_PATH.exec(request.path);
  if (audit) {
    const version = GRAPH_API_VERSIONS.find((candidate) => candidate === audit[1]) ?? "v1.0";
    return respond(
      handleAuditEvents(context.audit, tenantId, context.baseUrl, context.pageSize, {
        method: request.method,
        version,
        path: request.path,
        query: request.query,
        roles: check.claims.roles,
        ids,
      }),
    );
  }

  const route = parseRoute(context, request.path);
  if ("error" in route) return respond(graphError(ids, 400, "BadRequest", route.error));
  const { version, entity, id, action } = route;
  const schema = context.schemas[version];

  const operation: Operation = request.method === "GET" ? "read" : "write";
  if (!isAllowed(check.claims.roles, version, operation)) {
    const roles = requiredRoles(version, operation).join(", ");
    const message = `Application is not authorized to perform this operation. Application must have one of the following scopes: ${roles}`;
    return respond(graphError(ids, 403, "Forbidden", intuneMessage(ids, message, request.path)));
  }

  const notAllowed = () =>
    graphError(
      ids,
      405,
      "No method match route template",
      `No OData route exists that match template ~/singleton/navigation${id === undefined ? "" : "/key"}${action === undefined ? "" : "/action"} with http verb ${request.method} for request ${request.path}.`,
    );
  if (id === undefined)
    return respond(
      request.method === "GET" ? list(context, schema, entity, tenantId, request) : notAllowed(),
    );
  // `/$count` is a path segment, not a key: the number `$count=true` reports, as text/plain.
  if (id === "$count" && action === undefined) {
    if (request.method !== "GET") return respond(notAllowed());
    const options = readQueryOptions(entity, request.query, []);
    if ("error" in options) return respond(graphError(ids, 400, "BadRequest", options.error));
    const count = context.store.list(tenantId, entity.collectionName).length;
    return respond({
      status: 200,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: String(count),
    });
  }
  if (action !== undefined) {
    return respond(
      request.method === "POST"
        ? invokeAction(context, entity, tenantId, id, action, request)
        : notAllowed(),
    );
  }
  if (request.method === "GET")
    return respond(getOne(context, schema, entity, tenantId, id, request));
  if (request.method === "PATCH")
    return respond(patch(context, schema, entity, tenantId, id, request));
  return respond(notAllowed());
}

type Route =
  | {
      readonly version: GraphApiVersion;
      readonly entity: EntitySchema;
      readonly id?: string;
      readonly action?: string;
    }
  | { readonly error: string };

function parseRoute(context: GraphContext, path: string): Route {
  const segments = path
    .split("/")
    .filter((segment) => segment !== "")
    .map(safeDecode);
  const [versionSegment = "", root, collection, id, action, ...extra] = segments;
  const version = GRAPH_API_VERSIONS.find((candidate) => candidate === versionSegment);
  if (!version) return { error: `Invalid version: ${versionSegment}` };
  const notFound = (segment: string) => ({
    error: `Resource not found for the segment '${segment}'.`,
  });
  // Graph matches path segments regardless of case.
  if (root?.toLowerCase() !== "devicemanagement") return notFound(root ?? "");
  if (collection === undefined) return notFound(root);
  const entity = [...context.schemas[version].collections.values()].find(
    (candidate) => candidate.collectionName.toLowerCase() === collection.toLowerCase(),
  );
  if (!entity) return notFound(collection);
  if (extra.length > 0) return notFound(extra[0] ?? "");
  if (action === undefined) return { version, entity, ...(id === undefined ? {} : { id }) };
  const actionName = entity.actions.find(
    (candidate) =>
      candidate.toLowerCase() === action.replace(/^microsoft\.graph\./i, "").toLowerCase(),
  );
  if (!actionName || id === undefined) return notFound(action);
  return { version, entity, id, action: actionName };
}

function list(
  context: GraphContext,
  schema: GraphSchema,
  entity: EntitySchema,
  tenantId: string,
  request: GraphRequest,
): EmulatorResponse {
  const { ids, query } = request;
  const options = readQueryOptions(entity, query);
  if ("error" in options) return graphError(ids, 400, "BadRequest", options.error);
  const skipToken = query.get("$skiptoken");
  let offset = 0;
  if (skipToken !== null) {
    const decoded = decodeSkipToken(skipToken);
    if (decoded === undefined)
      return graphError(ids, 400, "BadRequest", `The $skiptoken '${skipToken}' is not valid.`);
    offset = decoded;
  }
  const objects = context.store.list(tenantId, entity.collectionName);
  // Graph treats $top as the page size (capped by the server's), and keeps paging with nextLink.
  const size = Math.min(options.top ?? context.pageSize, context.pageSize);
  const page = objects.slice(offset, offset + size);
  const collectionUrl = `${context.baseUrl}/${schema.version}/deviceManagement/${entity.collectionName}`;
  const body: Record<string, unknown> = {
    "@odata.context": contextUrl(context, schema, entity, options.selectNames),
  };
  if (options.count) body["@odata.count"] = objects.length;
  if (size > 0 && offset + size < objects.length) {
    const params = [
      ...(options.selectText === undefined
        ? []
        : [`$select=${encodeURIComponent(options.selectText)}`]),
      ...(options.top === undefined ? [] : [`$top=${options.top}`]),
      ...(options.count ? ["$count=true"] : []),
      `$skiptoken=${encodeSkipToken(offset + size)}`,
    ];
    body["@odata.nextLink"] = `${collectionUrl}?${params.join("&")}`;
  }
  body["value"] = page.map((object) => renderEntity(schema, entity, object, options.select));
  return jsonResponse(200, body, {}, GRAPH_JSON);
}

function getOne(
  context: GraphContext,
  schema: GraphSchema,
  entity: EntitySchema,
  tenantId: string,
  id: string,
  request: GraphRequest,
): EmulatorResponse {
  const options = readQueryOptions(entity, request.query, ["$select"]);
  if ("error" in options) return graphError(request.ids, 400, "BadRequest", options.error);
  const object = context.store.get(tenantId, entity.collectionName, id);
  if (!object) return notFoundError(request, entity, id);
  return entityResponse(context, schema, entity, object, options.select, options.selectNames);
}

function patch(
  context: GraphContext,
  schema: GraphSchema,
  entity: EntitySchema,
  tenantId: string,
  id: string,
  request: GraphRequest,
): EmulatorResponse {
  const { ids } = request;
  const parsed = parseJsonBody(request);
  if ("error" in parsed) return parsed.error;
  const result = validateEntityPayload(schema, entity, parsed.value);
  if (!result.ok) return graphError(ids, 400, "BadRequest", result.message);
  const bodyId = result.value["id"];
  if (typeof bodyId === "string" && bodyId.toLowerCase() !== id.toLowerCase()) {
    return graphError(
      ids,
      400,
      "BadRequest",
      `The key property 'id' cannot be changed: the body says '${bodyId}', the URL '${id}'.`,
    );
  }
  const { id: _ignored, ...values } = result.value;
  const before = context.store.get(tenantId, entity.collectionName, id);
  const updated = context.store.update(tenantId, entity.collectionName, id, values);
  if (!before || !updated) return notFoundError(request, entity, id);
  if (request.access.ok) {
    const { appid } = request.access.claims;
    context.audit.record(
      tenantId,
      auditEventFor({
        typeName: entity.typeName,
        objectId: id,
        objectDisplayName:
          typeof updated["displayName"] === "string" ? updated["displayName"] : null,
        before,
        written: values,
        actor: {
          kind: "application",
          applicationId: appid,
          applicationDisplayName: context.appDisplayName(tenantId, appid),
        },
        clientRequestId: request.ids.clientRequestId,
        atMs: Date.now(),
      }),
    );
  }
  if (context.patchStatus === 204) return { status: 204 };
  return entityResponse(context, schema, entity, updated, undefined, undefined);
}

function invokeAction(
  context: GraphContext,
  entity: EntitySchema,
  tenantId: string,
  id: string,
  action: string,
  request: GraphRequest,
): EmulatorResponse {
  if (request.body.trim() !== "") {
    const parsed = parseJsonBody(request);
    if ("error" in parsed) return parsed.error;
    const parameters =
      typeof parsed.value === "object" && parsed.value !== null
        ? Object.keys(parsed.value)
        : ["(not an object)"];
    if (parameters.length > 0) {
      return graphError(
        request.ids,
        400,
        "BadRequest",
        `The parameter '${parameters[0]}' in the request payload is not a valid parameter for the operation '${action}'.`,
      );
    }
  }
  const object = context.store.get(tenantId, entity.collectionName, id);
  if (!object) return notFoundError(request, entity, id);
  const effect = ACTION_EFFECTS[action];
  if (effect) context.store.update(tenantId, entity.collectionName, id, effect(object, Date.now()));
  return { status: 204 };
}

function entityResponse(
  context: GraphContext,
  schema: GraphSchema,
  entity: EntitySchema,
  object: JsonObject,
  select: ReadonlySet<string> | undefined,
  selectNames: readonly string[] | undefined,
): EmulatorResponse {
  const body = {
    "@odata.context": `${contextUrl(context, schema, entity, selectNames)}/$entity`,
    ...renderEntity(schema, entity, object, select),
  };
  return jsonResponse(200, body, {}, GRAPH_JSON);
}

/** `…/$metadata#deviceManagement/remoteAssistancePartners(displayName,onboardingStatus)` */
function contextUrl(
  context: GraphContext,
  schema: GraphSchema,
  entity: EntitySchema,
  selectNames: readonly string[] | undefined,
): string {
  const selected = selectNames === undefined ? "" : `(${selectNames.join(",")})`;
  return `${context.baseUrl}/${schema.version}/$metadata#deviceManagement/${entity.collectionName}${selected}`;
}

type QueryOptions =
  | {
      readonly select?: ReadonlySet<string>;
      readonly selectNames?: readonly string[];
      readonly selectText?: string;
      readonly top?: number;
      readonly count?: boolean;
    }
  | { readonly error: string };

function readQueryOptions(
  entity: EntitySchema,
  query: URLSearchParams,
  supported: readonly string[] = SUPPORTED_QUERY_OPTIONS,
): QueryOptions {
  for (const key of query.keys()) {
    if (key.startsWith("$") && !supported.includes(key)) {
      return {
        error: `Query option '${key}' is not supported by the intune-gitops Graph emulator (it supports ${supported.join(", ")}).`,
      };
    }
  }
  const result: {
    select?: Set<string>;
    selectNames?: string[];
    selectText?: string;
    top?: number;
    count?: boolean;
  } = {};
  const count = query.get("$count");
  if (count !== null) {
    if (count !== "true" && count !== "false") {
      return {
        error: `'${count}' is not a valid count option: use $count=true or $count=false.`,
      };
    }
    result.count = count === "true";
  }
  const selectText = query.get("$select");
  if (selectText !== null && selectText.trim() !== "" && selectText.trim() !== "*") {
    const names = selectText.split(",").map((name) => name.trim());
    for (const name of names) {
      if (!entity.properties.some((property) => property.name === name && !property.deprecated)) {
        return {
          error: `Could not find a property named '${name}' on type 'microsoft.graph.${entity.typeName}'.`,
        };
      }
    }
    result.selectNames = [...new Set(names)];
    result.select = new Set(names);
    result.selectText = selectText;
  }
  const top = query.get("$top");
  if (top !== null) {
    if (!/^\d+$/.test(top)) {
      return {
        error: `Invalid value '${top}' for $top query option found. The $top query option requires a non-negative integer value.`,
      };
    }
    result.top = Number(top);
  }
  return result;
}

function parseJsonBody(
  request: GraphRequest,
): { readonly value: unknown } | { readonly error: EmulatorResponse } {
  const { ids } = request;
  if (request.body.trim() === "")
    return { error: graphError(ids, 400, "BadRequest", "Empty Payload. JSON content expected.") };
  if (!/\bjson\b/i.test(request.contentType ?? "")) {
    return {
      error: graphError(
        ids,
        415,
        "UnsupportedMediaType",
        `The content type '${request.contentType ?? "(none)"}' is not supported: send 'Content-Type: application/json'.`,
      ),
    };
  }
  try {
    return { value: JSON.parse(request.body) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { error: graphError(ids, 400, "BadRequest", `Invalid JSON. ${detail}`) };
  }
}

function notFoundError(request: GraphRequest, entity: EntitySchema, id: string): EmulatorResponse {
  const message = `Resource not found: no ${entity.typeName} with id '${id}'.`;
  return graphError(
    request.ids,
    404,
    "ResourceNotFound",
    intuneMessage(request.ids, message, request.path),
  );
}

function encodeSkipToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString("base64url");
}

function decodeSkipToken(token: string): number | undefined {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  return match ? Number(match[1]) : undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
