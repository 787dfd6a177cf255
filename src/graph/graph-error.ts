/**
 * Reading Graph's error responses, which come in more shapes than the documentation admits:
 * - the OData envelope `{"error":{"code","message","innerError":{"request-id",…}}}` (inner key
 *   spelt `innerError` or `innererror`, request id as `request-id` or `requestId`);
 * - Intune's variant, where `error.message` is itself a JSON string whose `Message` holds the
 *   useful text ("An error has occurred - Operation ID …");
 * - a PascalCase envelope `{"ErrorCode","Message",…}`, bare or under `error`;
 * - an empty `code` (some 404s), an HTML page from a gateway, or plain text.
 * Whatever arrives, the result is a code (maybe), one line of message, and the request id.
 */
import { redact } from "../redact.ts";
import { isJsonObject, type JsonObject } from "../json.ts";
import { oneLine } from "../one-line.ts";

export interface GraphErrorInfo {
  /** Graph's `error.code`; undefined when the body has none (or an empty one). */
  readonly code?: string;
  /** One line, never HTML, never longer than `oneLine`'s default bound. */
  readonly message: string;
  /** From `innerError` (the header is preferred by the caller when present). */
  readonly requestId?: string;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Intune's nested message: a JSON string carrying `Message`; otherwise the text itself. `trimmed`
 * comes from `nonEmptyString`.
 */
function unwrapMessage(trimmed: string): string {
  if (!trimmed.startsWith("{")) return trimmed;
  const nested = parseJson(trimmed);
  if (!isJsonObject(nested)) return trimmed;
  return nonEmptyString(nested.Message) ?? nonEmptyString(nested.message) ?? trimmed;
}

/** The request id and the most specific code from a (possibly nested) inner error. */
function readInnerError(error: JsonObject): {
  readonly requestId: string | undefined;
  readonly code: string | undefined;
} {
  let requestId: string | undefined;
  let code: string | undefined;
  let inner: unknown = error.innerError ?? error.innererror ?? error.InnerError;
  // Bounded: inner errors nest, but a hostile body must not make us loop forever.
  for (let depth = 0; depth < 10 && isJsonObject(inner); depth++) {
    requestId ??= nonEmptyString(inner["request-id"]) ?? nonEmptyString(inner.requestId);
    code = nonEmptyString(inner.code) ?? code;
    inner = inner.innerError ?? inner.innererror ?? inner.InnerError;
  }
  return { requestId, code };
}

function looksLikeHtml(text: string, contentType: string | undefined): boolean {
  if (contentType?.toLowerCase().includes("html")) return true;
  return /^\s*(<!doctype html|<html|<\?xml|<head|<body)/i.test(text);
}

/**
 * Reads an error response body. `statusText` is the HTTP reason phrase, used when the body says
 * nothing useful.
 */
export function parseGraphError(
  status: number,
  statusText: string,
  body: string,
  contentType: string | undefined,
): GraphErrorInfo {
  const fallback = `HTTP ${status}${statusText ? ` ${statusText}` : ""}`;
  if (body.trim() === "") return { message: `${fallback} with an empty body` };
  if (looksLikeHtml(body, contentType)) {
    return {
      message: `${fallback}: the response was an HTML page, not a Graph error (a proxy or gateway answered instead of Graph)`,
    };
  }
  const json = parseJson(body);
  if (!isJsonObject(json)) return { message: `${fallback}: ${redact(oneLine(body, 200))}` };

  const envelope = isJsonObject(json.error) ? json.error : json;
  const inner = readInnerError(envelope);
  const code =
    nonEmptyString(envelope.code) ?? nonEmptyString(envelope.ErrorCode) ?? inner.code ?? undefined;
  const rawMessage = nonEmptyString(envelope.message) ?? nonEmptyString(envelope.Message);
  const message = rawMessage === undefined ? fallback : redact(oneLine(unwrapMessage(rawMessage)));
  return {
    ...(code === undefined ? {} : { code }),
    message,
    ...(inner.requestId === undefined ? {} : { requestId: inner.requestId }),
  };
}
