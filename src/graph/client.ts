/**
 * The Graph client: the only code that sends requests to Microsoft Graph.
 *
 * One logical call (`listCollection` page, `patch`) is one result for the caller, however many
 * attempts it took: retries are invisible except in the debug trace and the `onRequest` hook.
 *
 * Choices worth knowing:
 * - `client-request-id`: one random UUID per logical request, repeated on each of its retries,
 *   so Microsoft support can see every attempt of one call together. Each page of a listing is
 *   its own logical request with its own id.
 * - Bearer tokens go only to the origin of `graphUrl`: a redirect or an `@odata.nextLink` to any
 *   other origin is an error, never followed. Same-origin redirects are followed (at most 5).
 * - A 2xx whose body is not valid JSON (truncated, an HTML interstitial) is retried up to
 *   `maxMalformedBodyRetries` times, then reported; valid JSON of the wrong shape (no `value`
 *   array, an item without an `id`) fails at once: asking again would give the same answer.
 * - A failure to get a token is not retried here (the token provider bounds and explains it) and
 *   reaches the caller as the token provider's own error.
 */
import { randomUUID } from "node:crypto";
import pRetry, { AbortError } from "p-retry";
import { canonicalJson } from "../canonical-json.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import { redact } from "../redact.ts";
import { parseGraphError } from "./graph-error.ts";
import { oneLine } from "../one-line.ts";
import {
  HttpTransportError,
  createHttpTransport,
  type HttpResponse,
  type HttpTransport,
} from "../http-transport.ts";
import {
  DEFAULT_RETRY_OPTIONS,
  decideRetry,
  isRetriableNetworkError,
  isRetriableStatus,
  type RetryDecision,
  type RetryHeaders,
  type RetryOptions,
} from "./retry-policy.ts";
import {
  GraphRequestError,
  type ActionRequest,
  type GraphActionClient,
  type GraphRequestErrorDetails,
  type ListCollectionRequest,
  type PatchOptions,
  type PatchRequest,
  type PatchResponse,
  type RequestOptions,
} from "./types.ts";
import { type LiveObject } from "../live-object.ts";
import { formatSeconds } from "../format-duration.ts";

/** One attempt of one request, for progress displays and the debug trace. Never carries a header or a body. */
export interface GraphRequestEvent {
  readonly tenant: string;
  readonly method: string;
  /** The URL path, without the query. */
  readonly path: string;
  /** HTTP status; undefined when no response arrived. */
  readonly status?: number;
  /** Node's error code for a network failure (`ECONNRESET`, `ETIMEDOUT`, …). */
  readonly networkError?: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** The most attempts this request may take (the first included). */
  readonly maxAttempts: number;
  readonly durationInMs: number;
  /** Set when another attempt follows after this many milliseconds. */
  readonly retryInMs?: number;
}

export interface GraphClientOptions {
  /** Graph root without a version, e.g. `https://graph.microsoft.com`. */
  readonly graphUrl: string;
  /** The tenant's name in the configuration, for messages. */
  readonly tenant: string;
  /**
   * A bearer token for Graph; called before every attempt, so it must cache. `fresh` (after a
   * 401) asks for a new token rather than the cached one.
   */
  readonly getAccessToken: (
    abortSignal?: AbortSignal,
    options?: { readonly fresh?: boolean },
  ) => Promise<string>;
  /** Extra CA certificate (PEM) to trust, for in-process tests. The CLI uses NODE_EXTRA_CA_CERTS. */
  readonly ca?: string;
  /** Environment to read HTTPS_PROXY / NO_PROXY from; none by default. */
  readonly proxyEnv?: NodeJS.ProcessEnv;
  /** Per attempt: connect, headers and body. Default 30 s. */
  readonly timeoutInMs?: number;
  readonly retry?: Partial<RetryOptions>;
  /** Response bodies larger than this are refused while they stream. Default 16 MB. */
  readonly maxResponseBytes?: number;
  readonly userAgent?: string;
  readonly onRequest?: (event: GraphRequestEvent) => void;
  /** One line per attempt and per retry decision; never a token or a body. */
  readonly debug?: (line: string) => void;
}

/** A Graph client that owns connections: `close()` releases them. */
export interface HttpGraphClient extends GraphActionClient {
  close(): void;
}

const DEFAULT_TIMEOUT_IN_MS = 30_000;
/**
 * A page of partner objects is kilobytes (a few objects, a few assignment targets each); 16 MB is
 * thousands of times that, and bounds what a hostile page costs (its buffer and its parse, several
 * times its size).
 */
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
const MAX_REDIRECTS = 5;
/** Graph's pages hold 100+ objects; a tenant with 100,000 partner objects is not plausible. */
const MAX_PAGES = 1_000;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Why an attempt failed, as the retry decision needs it. Internal: callers see GraphRequestError. */
class AttemptFailure extends Error {
  override name = "AttemptFailure";
  readonly retriable: boolean;
  readonly malformedBody: boolean;
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly networkError?: string;
  readonly headers?: RetryHeaders;
  constructor(
    message: string,
    fields: {
      retriable: boolean;
      malformedBody?: boolean;
      status?: number;
      code?: string;
      requestId?: string;
      networkError?: string;
      headers?: RetryHeaders;
    },
  ) {
    super(message);
    this.retriable = fields.retriable;
    this.malformedBody = fields.malformedBody ?? false;
    if (fields.status !== undefined) this.status = fields.status;
    if (fields.code !== undefined) this.code = fields.code;
    if (fields.requestId !== undefined) this.requestId = fields.requestId;
    if (fields.networkError !== undefined) this.networkError = fields.networkError;
    if (fields.headers !== undefined) this.headers = fields.headers;
  }
}

function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function createGraphClient(options: GraphClientOptions): HttpGraphClient {
  const root = new URL(options.graphUrl.replace(/\/+$/, ""));
  const rootText = root.href.replace(/\/+$/, "");
  const retry: RetryOptions = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
  const timeoutInMs = options.timeoutInMs ?? DEFAULT_TIMEOUT_IN_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const transport: HttpTransport = createHttpTransport({
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.proxyEnv === undefined ? {} : { proxyEnv: options.proxyEnv }),
  });
  const clock = { now: () => Date.now(), random: () => Math.random() };
  const debug = (line: string): void => options.debug?.(redact(`graph ${options.tenant}: ${line}`));

  /** Sends one request and follows same-origin redirects; a redirect elsewhere is an error. */
  async function sendFollowingRedirects(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string | undefined,
    abortSignal: AbortSignal | undefined,
    beforeSend: (() => Promise<void>) | undefined,
  ): Promise<{ response: HttpResponse; url: URL }> {
    let current = url;
    for (let hop = 0; ; hop++) {
      await beforeSend?.();
      const response = await transport.send({
        method,
        url: current,
        headers,
        ...(body === undefined ? {} : { body }),
        timeoutInMs,
        maxResponseBytes,
        ...(abortSignal === undefined ? {} : { abortSignal }),
      });
      const location = header(response, "location");
      if (!REDIRECT_STATUSES.has(response.status) || location === undefined) {
        return { response, url: current };
      }
      const target = new URL(location, current);
      if (target.origin !== root.origin) {
        throw new AttemptFailure(
          `Graph answered HTTP ${response.status} with a redirect to ${target.host}; not following it: the access token is only ever sent to ${root.host}`,
          { retriable: false, status: response.status },
        );
      }
      const keepsMethod = method === "GET" || response.status === 307 || response.status === 308;
      if (!keepsMethod || hop >= MAX_REDIRECTS) {
        throw new AttemptFailure(
          `Graph answered HTTP ${response.status} with a redirect that ${keepsMethod ? "leads to too many more" : `would turn the ${method} into a GET`}; not following it`,
          { retriable: false, status: response.status },
        );
      }
      debug(
        `${method} ${current.pathname} → ${response.status}, following the redirect to ${target.pathname}`,
      );
      current = target;
    }
  }

  /** The token that was fetched fresh after a 401: a 401 to it is not retried again. */
  let lastFreshToken: string | undefined;

  async function accessToken(abortSignal: AbortSignal | undefined, fresh: boolean) {
    try {
      return await options.getAccessToken(abortSignal, fresh ? { fresh } : undefined);
    } catch (error) {
      // The token provider already bounded and explained this; retrying here would only
      // multiply the wait. p-retry rethrows the wrapped error itself.
      throw new AbortError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * One logical request with retries. `read` turns a 2xx response into the result or throws an
   * AttemptFailure (marked `malformedBody` when retrying might help).
   */
  async function execute<T>(
    method: "GET" | "PATCH" | "POST",
    url: URL,
    body: JsonObject | undefined,
    read: (response: HttpResponse, requestLabel: string) => T,
    { abortSignal, stopSignal }: RequestOptions = {},
    hooks: Pick<PatchOptions, "beforeSend" | "onAnswer"> & {
      /**
       * Before resending after an attempt whose outcome is unknown: the result to end with
       * (the write is there), or undefined to resend. Throws to stop.
       */
      readonly settleUnknownOutcome?: () => Promise<T | undefined>;
    } = {},
  ): Promise<T> {
    const clientRequestId = randomUUID();
    const label = `${method} ${url.pathname}`;
    const started = performance.now();
    // A POST without parameters still says `Content-Length: 0`: some front ends answer a POST
    // with neither a length nor a body with 411 Length Required.
    const bodyText = body !== undefined ? JSON.stringify(body) : method === "POST" ? "" : undefined;
    let malformedBodies = 0;
    let attempts = 0;
    let attemptStarted = 0;
    let lastDecision: RetryDecision | undefined;
    let stoppedBeforeRetry = false;
    // A wait before a retry ends on either signal; only the abort signal cancels an attempt.
    const waitSignal =
      stopSignal === undefined || abortSignal === undefined
        ? (stopSignal ?? abortSignal)
        : AbortSignal.any([abortSignal, stopSignal]);

    let outcomeUnknown = false;

    const attempt = async (attemptNumber: number): Promise<T> => {
      attempts = attemptNumber;
      if (outcomeUnknown && hooks.settleUnknownOutcome !== undefined) {
        outcomeUnknown = false;
        let settled: T | undefined;
        try {
          settled = await hooks.settleUnknownOutcome();
        } catch (error) {
          throw new AbortError(error instanceof Error ? error : new Error(String(error)));
        }
        if (settled !== undefined) {
          debug(
            `${method} ${pathAndQuery(url)}: the previous attempt got no answer, and a read shows its values: not sending it again (client-request-id ${clientRequestId})`,
          );
          return settled;
        }
      }
      let token = await accessToken(abortSignal, false);
      const headers = (): Record<string, string> => ({
        accept: "application/json",
        authorization: `Bearer ${token}`,
        "client-request-id": clientRequestId,
        "return-client-request-id": "true",
        ...(options.userAgent === undefined ? {} : { "user-agent": options.userAgent }),
        ...(bodyText === undefined ? {} : { "content-type": "application/json" }),
      });
      attemptStarted = performance.now();
      const beforeSend =
        hooks.beforeSend === undefined
          ? undefined
          : async () => {
              try {
                await hooks.beforeSend?.(attemptNumber);
              } catch (error) {
                // The caller said "send nothing more" (budget cancelled, circuit open).
                throw new AbortError(error instanceof Error ? error : new Error(String(error)));
              }
            };
      const send = async (): Promise<HttpResponse> => {
        try {
          const { response } = await sendFollowingRedirects(
            method,
            url,
            headers(),
            bodyText,
            abortSignal,
            beforeSend,
          );
          hooks.onAnswer?.({ status: response.status });
          return response;
        } catch (error) {
          if (error instanceof AttemptFailure) throw error;
          if (error instanceof HttpTransportError) {
            if (error.code === "EABORTED") throw new AbortError(error);
            hooks.onAnswer?.({ networkError: error.code });
            throw new AttemptFailure(redact(error.message), {
              retriable:
                error.code !== "ERESPONSETOOLARGE" &&
                error.code !== "EPROTOCOL" &&
                isRetriableNetworkError(error.code),
              networkError: error.code,
            });
          }
          throw error;
        }
      };
      let response = await send();
      // A 401 mid-run: the token was revoked or the tenant's policy changed. One fresh token
      // and one more try; a fresh token refused too is a real refusal.
      if (response.status === 401 && token !== lastFreshToken) {
        debug(
          `${method} ${pathAndQuery(url)} → 401 (attempt ${attemptNumber}, client-request-id ${clientRequestId}): getting a fresh token and trying once more`,
        );
        token = await accessToken(abortSignal, true);
        lastFreshToken = token;
        response = await send();
      }
      const requestId = header(response, "request-id");
      if (response.status >= 200 && response.status < 300) {
        const result = read(response, label);
        const durationInMs = Math.round(performance.now() - attemptStarted);
        options.onRequest?.({
          tenant: options.tenant,
          method,
          path: url.pathname,
          status: response.status,
          attempt: attemptNumber,
          maxAttempts: retry.maxAttempts,
          durationInMs,
        });
        debug(
          `${method} ${pathAndQuery(url)} → ${response.status} in ${durationInMs} ms (attempt ${attemptNumber}, client-request-id ${clientRequestId}${requestId ? `, request-id ${requestId}` : ""})`,
        );
        return result;
      }
      const info = parseGraphError(
        response.status,
        response.statusText,
        response.body.toString("utf8"),
        header(response, "content-type"),
      );
      throw new AttemptFailure(info.message, {
        retriable: isRetriableStatus(response.status),
        status: response.status,
        ...(info.code === undefined ? {} : { code: info.code }),
        ...((requestId ?? info.requestId) === undefined
          ? {}
          : { requestId: requestId ?? info.requestId }),
        headers: response.headers,
      });
    };

    try {
      return await pRetry(attempt, {
        // Our own policy decides and waits (in onFailedAttempt); p-retry counts and cancels.
        retries: Math.max(0, retry.maxAttempts - 1),
        minTimeout: 0,
        ...(abortSignal === undefined ? {} : { signal: abortSignal }),
        onFailedAttempt: async ({ error, attemptNumber }) => {
          if (!(error instanceof AttemptFailure)) throw error;
          if (error.malformedBody) malformedBodies++;
          outcomeUnknown = mayHaveReachedServer(error.networkError);
          const elapsedInMs = performance.now() - started;
          const decision = decideRetry(
            {
              attempt: attemptNumber,
              retriable: error.retriable,
              malformedBodies,
              headers: error.headers,
              elapsedInMs,
            },
            retry,
            clock,
          );
          lastDecision = decision;
          const durationInMs = Math.round(performance.now() - attemptStarted);
          options.onRequest?.({
            tenant: options.tenant,
            method,
            path: url.pathname,
            ...(error.status === undefined ? {} : { status: error.status }),
            ...(error.networkError === undefined ? {} : { networkError: error.networkError }),
            attempt: attemptNumber,
            maxAttempts: retry.maxAttempts,
            durationInMs,
            ...(decision.retry ? { retryInMs: decision.delayInMs } : {}),
          });
          debug(
            `${method} ${pathAndQuery(url)} → ${error.status ?? error.networkError ?? "failed"} (attempt ${attemptNumber}/${retry.maxAttempts}, client-request-id ${clientRequestId}${error.requestId ? `, request-id ${error.requestId}` : ""}): ${error.message}; ${
              decision.retry
                ? `retrying in ${formatSeconds(decision.delayInMs)} (${describeSource(decision.source)})`
                : `not retrying (${decision.reason})`
            }`,
          );
          if (!decision.retry) throw error;
          try {
            stopSignal?.throwIfAborted();
            await sleep(decision.delayInMs, waitSignal);
          } catch (cause) {
            if (abortSignal?.aborted === true || stopSignal?.aborted !== true) throw cause;
            // Stopped: this attempt's failure is the answer, not the stop.
            stoppedBeforeRetry = true;
            debug(`${method} ${pathAndQuery(url)}: not retrying: stopping`);
            throw error;
          }
        },
      });
    } catch (error) {
      if (!(error instanceof AttemptFailure)) throw error;
      throw toGraphRequestError(error, label, clientRequestId, attempts, retry, {
        decision: lastDecision,
        stoppedBeforeRetry,
      });
    }
  }

  async function listCollection(
    request: ListCollectionRequest,
    requestOptions?: RequestOptions,
  ): Promise<LiveObject[]> {
    const select = [...new Set(["id", "displayName", ...request.select])];
    const first = new URL(
      `${rootText}/${request.graphVersion}${request.collectionPath}?$select=${select.map(encodeURIComponent).join(",")}`,
    );
    const objects: LiveObject[] = [];
    const byId = new Map<string, { readonly object: LiveObject; readonly page: number }>();
    const seen = new Set<string>([first.href]);
    let url = first;
    for (let page = 1; ; page++) {
      const { value, nextLink } = await execute("GET", url, undefined, readPage, requestOptions);
      for (const object of value) {
        const earlier = byId.get(object.id);
        if (earlier === undefined) {
          byId.set(object.id, { object, page });
          objects.push(object);
          continue;
        }
        // The same object again (paging over a collection that changed while it was read) is
        // harmless; one id with two contents is not: which is the object? Nothing is planned or
        // written from such a collection.
        if (canonicalJson(earlier.object) === canonicalJson(object)) continue;
        throw new GraphRequestError(
          redact(
            `GET ${first.pathname}: Graph is inconsistent: it listed id ${JSON.stringify(object.id)} twice with different content — page ${earlier.page}: ${describeObject(earlier.object, object)}; page ${page}: ${describeObject(object, earlier.object)}. Run plan again; if it persists, report it to Microsoft support`,
          ),
          { request: `GET ${first.pathname}` },
        );
      }
      if (nextLink === undefined) return objects;
      const next = resolveNextLink(nextLink, url);
      if (seen.has(next.href) || page >= MAX_PAGES) {
        throw new GraphRequestError(
          `GET ${first.pathname}: Graph's @odata.nextLink ${seen.has(next.href) ? "repeats a page already read" : `goes past ${MAX_PAGES} pages`}; stopping`,
          { request: `GET ${first.pathname}` },
        );
      }
      seen.add(next.href);
      url = next;
    }
  }

  function resolveNextLink(nextLink: string, current: URL): URL {
    let next: URL;
    try {
      next = new URL(nextLink, current);
    } catch {
      throw new GraphRequestError(`GET ${current.pathname}: Graph's @odata.nextLink is not a URL`, {
        request: `GET ${current.pathname}`,
      });
    }
    if (next.origin !== root.origin) {
      throw new GraphRequestError(
        `GET ${current.pathname}: refusing to send the token to ${next.host}: @odata.nextLink points outside ${root.origin}`,
        { request: `GET ${current.pathname}` },
      );
    }
    return next;
  }

  async function patch(
    request: PatchRequest,
    requestOptions?: PatchOptions,
  ): Promise<PatchResponse> {
    const url = new URL(
      `${rootText}/${request.graphVersion}${request.collectionPath}/${encodeURIComponent(request.id)}`,
    );
    const onUnknownOutcome = requestOptions?.onUnknownOutcome;
    return execute("PATCH", url, request.body, readPatchResponse, requestOptions, {
      ...requestOptions,
      ...(onUnknownOutcome === undefined
        ? {}
        : {
            settleUnknownOutcome: async () =>
              (await onUnknownOutcome()) === "applied" ? CONFIRMED_BY_READ : undefined,
          }),
    });
  }

  /**
   * The partner actions are safe to repeat (starting onboarding again, disconnecting or
   * terminating twice ends in the same state), so they take the same retry policy as a PATCH.
   */
  async function invokeAction(
    request: ActionRequest,
    requestOptions?: RequestOptions,
  ): Promise<{ readonly requestId?: string }> {
    const url = new URL(
      `${rootText}/${request.graphVersion}${request.collectionPath}/${encodeURIComponent(request.id)}/${encodeURIComponent(request.action)}`,
    );
    return execute("POST", url, undefined, readActionResponse, requestOptions);
  }

  return { listCollection, patch, invokeAction, close: () => transport.close() };
}

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

function readPage(
  response: HttpResponse,
  requestLabel: string,
): { value: LiveObject[]; nextLink?: string } {
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

function readActionResponse(response: HttpResponse): { readonly requestId?: string } {
  const requestId = header(response, "request-id");
  return requestId === undefined ? {} : { requestId };
}

function readPatchResponse(response: HttpResponse): PatchResponse {
  const requestId = header(response, "request-id");
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

function toGraphRequestError(
  failure: AttemptFailure,
  label: string,
  clientRequestId: string,
  attempts: number,
  retry: RetryOptions,
  end: { decision: RetryDecision | undefined; stoppedBeforeRetry: boolean },
): GraphRequestError {
  const { decision } = end;
  // "HTTP 403 Forbidden: <Graph's message>", unless the message already leads with the status.
  const status =
    failure.status === undefined || failure.message.includes(`HTTP ${failure.status}`)
      ? ""
      : `HTTP ${failure.status}${failure.code === undefined ? "" : ` ${failure.code}`}: `;
  const code = failure.code !== undefined && status === "" ? ` [${failure.code}]` : "";
  const ids = [
    ...(failure.requestId === undefined ? [] : [`request-id ${failure.requestId}`]),
    `client-request-id ${clientRequestId}`,
  ];
  const tries = end.stoppedBeforeRetry
    ? `${attempts === 1 ? "1 attempt" : `${attempts} attempts`}, not retried: stopping`
    : decision !== undefined && !decision.retry && decision.reason === "deadline"
      ? `gave up after ${attempts} attempts: the next wait would pass the ${formatSeconds(retry.deadlineInMs)} deadline`
      : attempts === 1
        ? "1 attempt"
        : `${attempts} attempts`;
  const message = oneLine(
    `${label}: ${status}${failure.message}${code} (${ids.join(", ")}; ${tries})`,
    1000,
  );
  const details: GraphRequestErrorDetails = {
    ...(failure.status === undefined ? {} : { status: failure.status }),
    ...(failure.code === undefined ? {} : { code: failure.code }),
    ...(failure.requestId === undefined ? {} : { requestId: failure.requestId }),
    clientRequestId,
    request: label,
    attempts,
    ...(end.stoppedBeforeRetry ? { stoppedBeforeRetry: true } : {}),
  };
  return new GraphRequestError(redact(message), details);
}

/** An object by its displayName and the properties whose values differ from `other`'s. */
function describeObject(object: LiveObject, other: LiveObject): string {
  const differing = [...new Set([...Object.keys(object), ...Object.keys(other)])]
    .filter(
      (key) =>
        key !== "displayName" &&
        canonicalJson(object[key] ?? null) !== canonicalJson(other[key] ?? null),
    )
    .sort();
  const show = (value: JsonValue | undefined) =>
    value === undefined ? "absent" : oneLine(JSON.stringify(value), 60);
  const shown = differing.slice(0, 3).map((key) => `${key} ${show(object[key])}`);
  if (differing.length > 3) shown.push(`and ${differing.length - 3} more`);
  return [`displayName ${show(object["displayName"])}`, ...shown].join(", ");
}

function describeSource(source: "retry-after" | "retry-after-capped" | "backoff"): string {
  if (source === "retry-after") return "Retry-After";
  if (source === "retry-after-capped") return "Retry-After, capped";
  return "back-off";
}

function pathAndQuery(url: URL): string {
  return oneLine(decodeURIComponentSafe(url.pathname + url.search), 200);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Network failures that prove the request never left: the connection was refused, or the host
 * could not be found or reached. Any other (reset, timeout, broken pipe) may have come after
 * the server received the request, and acted on it.
 */
const NOT_SENT_NETWORK_ERRORS: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

/** What a PATCH whose answer was lost returns when a read showed its values. */
const CONFIRMED_BY_READ: PatchResponse = { status: 204, confirmedByRead: true };

function mayHaveReachedServer(networkError: string | undefined): boolean {
  return networkError !== undefined && !NOT_SENT_NETWORK_ERRORS.has(networkError);
}

function sleep(ms: number, abortSignal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      abortSignal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(
        abortSignal?.reason instanceof Error
          ? abortSignal.reason
          : new Error("the request was cancelled"),
      );
    };
    abortSignal?.addEventListener("abort", onAbort, { once: true });
  });
}
