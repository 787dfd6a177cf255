/**
 * Reading Graph's 2xx answers. A body that is not valid JSON (truncated, an HTML interstitial)
 * is worth asking again for, a bounded number of times; valid JSON of the wrong shape (no
 * `value` array, an item without an `id`) fails at once: asking again would give the same answer.
 */
import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import type { LiveObject } from "../live-object.ts";
import type { HttpResponse } from "../http-transport.ts";
import { AttemptFailure } from "./attempt-failure.ts";
import { responseHeader } from "./pipeline.ts";
import type { PatchResponse } from "./types.ts";

function parseBody(response: HttpResponse, requestLabel: string): unknown {
  const text = response.body.toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const looksHtml = /^\s*</.test(text);
    throw new AttemptFailure(
      `${requestLabel} answered HTTP ${response.status} with ${looksHtml ? "an HTML page" : text.trim() === "" ? "an empty body" : "a body that is not valid JSON"} instead of Graph's JSON`,
      { retriable: true, malformedBody: true, status: response.status },
    );
  }
}

function shapeError(requestLabel: string, status: number, what: string): AttemptFailure {
  return new AttemptFailure(`${requestLabel} answered HTTP ${status} but ${what}`, {
    retriable: false,
    status,
  });
}

/**
 * Graph's partner objects nest a few levels. A page nested far deeper is not Graph's, and would
 * exhaust the stack of the code that compares values (JSON.parse itself reads any depth).
 */
const MAX_JSON_DEPTH = 64;

/** Whether a parsed JSON value nests deeper than `max` (iterative: the check must not overflow). */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [current, depth] = next;
    if (typeof current !== "object" || current === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}

/** One page of a collection: its objects (each with a string `id`) and the next page's link. */
export function readPage(
  response: HttpResponse,
  requestLabel: string,
): { value: LiveObject[]; nextLink?: string } {
  const body = readDocument(response, requestLabel);
  const value = body.value;
  if (value === undefined)
    throw shapeError(requestLabel, response.status, "the body has no `value` collection");
  if (!Array.isArray(value))
    throw shapeError(requestLabel, response.status, "`value` is not an array");
  const objects: LiveObject[] = [];
  for (const [index, item] of value.entries()) {
    if (!isJsonObject(item) || typeof item.id !== "string" || item.id === "") {
      throw shapeError(
        requestLabel,
        response.status,
        `item ${index} of \`value\` has no string \`id\``,
      );
    }
    objects.push(item as LiveObject);
  }
  const nextLink: JsonValue | undefined = body["@odata.nextLink"];
  if (nextLink !== undefined && nextLink !== null && typeof nextLink !== "string") {
    throw shapeError(requestLabel, response.status, "`@odata.nextLink` is not a string");
  }
  return typeof nextLink === "string" ? { value: objects, nextLink } : { value: objects };
}

/**
 * Any JSON object Graph answers with, whole (annotations, unknown properties and all): what
 * `doctor` compares with the registry and captures. The same bounds as a page.
 */
export function readDocument(response: HttpResponse, requestLabel: string): JsonObject {
  const body = parseBody(response, requestLabel);
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw shapeError(
      requestLabel,
      response.status,
      `the body nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  if (!isJsonObject(body))
    throw shapeError(requestLabel, response.status, "the body is not a JSON object");
  return body;
}

export function readActionResponse(response: HttpResponse): { readonly requestId?: string } {
  const requestId = responseHeader(response, "request-id");
  return requestId === undefined ? {} : { requestId };
}

/** 200 with the object (as the docs say) or 204 (what Intune really returns). */
export function readPatchResponse(response: HttpResponse): PatchResponse {
  const requestId = responseHeader(response, "request-id");
  const base = requestId === undefined ? {} : { requestId };
  if (response.status === 204 || response.body.length === 0) return { status: 204, ...base };
  // The write succeeded whatever the echo looks like: an odd body is not a reason to PATCH again.
  let body: unknown;
  try {
    body = JSON.parse(response.body.toString("utf8"));
  } catch {
    return { status: 200, ...base };
  }
  if (!isJsonObject(body) || typeof body.id !== "string") return { status: 200, ...base };
  return { status: 200, object: body as LiveObject, ...base };
}
