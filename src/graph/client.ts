/**
 * The Graph client: the only code that sends requests to Microsoft Graph.
 *
 * One logical call (`listCollection` page, `patch`, `invokeAction`) is one result for the
 * caller, however many attempts it took: retries are invisible except in the debug trace and the
 * `onRequest` hook. Each attempt runs through a pipeline of small policies, outermost first:
 *
 *   client-request-id → Graph headers → bearer token (a fresh one once after a 401)
 *   → answer observer (`onAnswer`) → same-origin redirects (`beforeSend` before each hop)
 *   → transport (`http-transport.ts`: timeouts, bounded body, shared connections)
 *
 * and `retrying.ts` runs the pipeline again as `retry-policy.ts` decides, logging each attempt
 * (`attempt-log.ts`). Paging and the Graph error model stay here and in `responses.ts`.
 *
 * Choices worth knowing:
 * - `client-request-id`: one id per logical request (`tool-request-id.ts`: random, yet a later
 *   run recognises it in the audit log as ours), repeated on each of its retries.
 *   Each page of a listing is its own logical request with its own id.
 * - Bearer tokens go only to the origin of `graphUrl`: a redirect or an `@odata.nextLink` to any
 *   other origin is an error, never followed.
 * - A failure to get a token is not retried here (the token provider bounds and explains it) and
 *   reaches the caller as the token provider's own error.
 */
import { newToolRequestId } from "../tool-request-id.ts";
import { canonicalJson } from "../canonical-json.ts";
import type { JsonObject, JsonValue } from "../json.ts";
import type { LiveObject } from "../live-object.ts";
import { oneLine } from "../one-line.ts";
import { redact } from "../redact.ts";
import { createHttpTransport, type HttpResponse } from "../http-transport.ts";
import { createAttemptLog, type GraphRequestEvent } from "./attempt-log.ts";
import { createPipeline, responseHeader, type AttemptHooks } from "./pipeline.ts";
import { answerObserverPolicy } from "./policies/answer-observer.ts";
import { bearerTokenPolicy, type GetAccessToken } from "./policies/bearer-token.ts";
import { clientRequestIdPolicy, graphHeadersPolicy } from "./policies/graph-headers.ts";
import { sameOriginRedirectPolicy } from "./policies/same-origin-redirect.ts";
import { transportStep } from "./policies/transport.ts";
import { failureFromResponse, toGraphRequestError } from "./request-error.ts";
import { readActionResponse, readDocument, readPage, readPatchResponse } from "./responses.ts";
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from "./retry-policy.ts";
import { withRetries } from "./retrying.ts";
import {
  GraphRequestError,
  type ActionRequest,
  type AuditEventPage,
  type AuditEventReader,
  type AuditEventsRequest,
  type DocumentRequest,
  type GraphActionClient,
  type ListCollectionRequest,
  type PatchOptions,
  type PatchRequest,
  type PatchResponse,
  type RequestOptions,
} from "./types.ts";

export type { GraphRequestEvent } from "./attempt-log.ts";

export interface GraphClientOptions {
  /** Graph root without a version, e.g. `https://graph.microsoft.com`. */
  readonly graphUrl: string;
  /** The tenant's name in the configuration, for messages. */
  readonly tenant: string;
  /**
   * A bearer token for Graph; called before every attempt, so it must cache. `fresh` (after a
   * 401) asks for a new token rather than the cached one.
   */
  readonly getAccessToken: GetAccessToken;
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
export interface HttpGraphClient extends GraphActionClient, AuditEventReader {
  /**
   * One GET of one page, answered as Graph wrote it (no paging, no `$select` added): what
   * `doctor` inspects. Retried like every read; a non-2xx answer throws a GraphRequestError.
   */
  getDocument(request: DocumentRequest, options?: RequestOptions): Promise<JsonObject>;
  close(): void;
}

const DEFAULT_TIMEOUT_IN_MS = 30_000;
/**
 * A page of partner objects is kilobytes (a few objects, a few assignment targets each); 16 MB is
 * thousands of times that, and bounds what a hostile page costs (its buffer and its parse, several
 * times its size).
 */
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Graph's pages hold 100+ objects; a tenant with 100,000 partner objects is not plausible. */
const MAX_PAGES = 1_000;

/** What a PATCH whose answer was lost returns when a read showed its values. */
const CONFIRMED_BY_READ: PatchResponse = { status: 204, confirmedByRead: true };

export function createGraphClient(options: GraphClientOptions): HttpGraphClient {
  const root = new URL(options.graphUrl.replace(/\/+$/, ""));
  const rootText = root.href.replace(/\/+$/, "");
  const retry: RetryOptions = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
  const transport = createHttpTransport({
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.proxyEnv === undefined ? {} : { proxyEnv: options.proxyEnv }),
  });
  const clock = { now: () => Date.now(), random: () => Math.random() };
  const debug = (line: string): void => options.debug?.(redact(`graph ${options.tenant}: ${line}`));
  const sendAttempt = createPipeline(
    [
      clientRequestIdPolicy(),
      graphHeadersPolicy(options.userAgent),
      bearerTokenPolicy(options.getAccessToken, debug),
      answerObserverPolicy(),
      sameOriginRedirectPolicy(root, debug),
    ],
    transportStep(transport, {
      timeoutInMs: options.timeoutInMs ?? DEFAULT_TIMEOUT_IN_MS,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    }),
  );

  /**
   * One logical request with retries. `read` turns a 2xx response into the result or throws an
   * AttemptFailure (marked `malformedBody` when retrying might help).
   */
  function execute<T>(
    method: "GET" | "PATCH" | "POST",
    url: URL,
    body: JsonObject | undefined,
    read: (response: HttpResponse, requestLabel: string) => T,
    { abortSignal, stopSignal }: RequestOptions = {},
    hooks: AttemptHooks & { readonly settleUnknownOutcome?: () => Promise<T | undefined> } = {},
  ): Promise<T> {
    const clientRequestId = newToolRequestId();
    const label = `${method} ${url.pathname}`;
    // A POST without parameters still says `Content-Length: 0`: some front ends answer a POST
    // with neither a length nor a body with 411 Length Required.
    const bodyText = body !== undefined ? JSON.stringify(body) : method === "POST" ? "" : undefined;
    const attemptHooks: AttemptHooks = {
      ...(hooks.beforeSend === undefined ? {} : { beforeSend: hooks.beforeSend }),
      ...(hooks.onAnswer === undefined ? {} : { onAnswer: hooks.onAnswer }),
    };
    return withRetries(
      async (attempt) => {
        const response = await sendAttempt({
          method,
          url,
          headers: {},
          ...(bodyText === undefined ? {} : { body: bodyText }),
          ...(abortSignal === undefined ? {} : { abortSignal }),
          clientRequestId,
          attempt,
          hooks: attemptHooks,
        });
        if (response.status < 200 || response.status >= 300) throw failureFromResponse(response);
        const requestId = responseHeader(response, "request-id");
        return {
          value: read(response, label),
          status: response.status,
          ...(requestId === undefined ? {} : { requestId }),
        };
      },
      {
        retry,
        clock,
        log: createAttemptLog(
          {
            tenant: options.tenant,
            debug,
            ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
          },
          { method, url, clientRequestId, maxAttempts: retry.maxAttempts },
        ),
        ...(abortSignal === undefined ? {} : { abortSignal }),
        ...(stopSignal === undefined ? {} : { stopSignal }),
        ...(hooks.settleUnknownOutcome === undefined
          ? {}
          : { settleUnknownOutcome: hooks.settleUnknownOutcome }),
        toError: (failure, end) => toGraphRequestError(failure, label, clientRequestId, retry, end),
      },
    );
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

  /**
   * Intune's audit log, newest first, page by page (each page its own logical request, like a
   * collection's). The filter goes as Graph's docs write it, spaces as `%20`.
   */
  async function* auditEventPages(
    request: AuditEventsRequest,
    requestOptions?: RequestOptions,
  ): AsyncGenerator<AuditEventPage> {
    const query = `$filter=${encodeURIComponent(request.filter)}&$orderby=${encodeURIComponent("activityDateTime desc")}`;
    let url = new URL(`${rootText}/${request.graphVersion}/deviceManagement/auditEvents?${query}`);
    const seen = new Set<string>([url.href]);
    for (let page = 1; ; page++) {
      const { value, nextLink } = await execute("GET", url, undefined, readPage, requestOptions);
      const more = nextLink !== undefined;
      yield { events: value, page, more };
      if (nextLink === undefined || page >= request.maxPages) return;
      const next = resolveNextLink(nextLink, url);
      if (seen.has(next.href)) {
        throw new GraphRequestError(
          `GET ${url.pathname}: Graph's @odata.nextLink repeats a page already read; stopping`,
          { request: `GET ${url.pathname}` },
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

  function getDocument(
    request: DocumentRequest,
    requestOptions?: RequestOptions,
  ): Promise<JsonObject> {
    const url = new URL(`${rootText}/${request.graphVersion}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {}))
      url.searchParams.set(name, value);
    return execute("GET", url, undefined, readDocument, requestOptions);
  }

  return {
    listCollection,
    patch,
    invokeAction,
    getDocument,
    auditEventPages,
    close: () => transport.close(),
  };
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
