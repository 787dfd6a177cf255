import type { JsonObject } from "../json.ts";
import type { LiveObject } from "../live-object.ts";
import type { GraphVersion } from "../resources/types.ts";

export interface ListCollectionRequest {
  readonly graphVersion: GraphVersion;
  /** e.g. `/deviceManagement/remoteAssistancePartners` */
  readonly collectionPath: string;
  /** `$select`: the managed properties; `id` and `displayName` are always added. */
  readonly select: readonly string[];
}

/** One GET under a version root, e.g. `/deviceManagement/auditEvents` with `{ $top: "1" }`. */
export interface DocumentRequest {
  readonly graphVersion: GraphVersion;
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
}

export interface PatchRequest {
  readonly graphVersion: GraphVersion;
  readonly collectionPath: string;
  readonly id: string;
  readonly body: JsonObject;
}

export interface PatchResponse {
  /** 200 (with the updated object, as the docs say) or 204 (what Intune really returns). */
  readonly status: 200 | 204;
  readonly object?: LiveObject;
  readonly requestId?: string;
  /** The answer was lost, and a read showed the written values (`onUnknownOutcome`: `applied`). */
  readonly confirmedByRead?: true;
}

/** A bound action without parameters, e.g. `POST …/deviceManagementPartners/{id}/terminate`. */
export interface ActionRequest {
  readonly graphVersion: GraphVersion;
  readonly collectionPath: string;
  readonly id: string;
  readonly action: string;
}

export interface RequestOptions {
  /** Cancels the request at once, the attempt on the wire included. */
  readonly abortSignal?: AbortSignal;
  /**
   * Stops the request from going on: a wait before a retry is cancelled and no further attempt
   * starts, but the attempt on the wire may finish (its answer is the result). For Ctrl-C: a
   * back-off wait is not a request in flight.
   */
  readonly stopSignal?: AbortSignal;
}

/** What one attempt of a request got back: a status, or no answer at all (`networkError`). */
export interface AttemptAnswer {
  readonly status?: number;
  /** Node's error code when no response arrived (`ECONNRESET`, `ETIMEDOUT`, …). */
  readonly networkError?: string;
}

export interface PatchOptions extends RequestOptions {
  /**
   * Awaited before every PATCH request sent — the first attempt, each retry and each redirect
   * hop — because Graph counts every request against its throttling limits: the caller's write
   * budget takes its slot here. A rejection ends the PATCH with that error, nothing more is sent.
   * `attempt` is 1 for the first attempt.
   */
  readonly beforeSend?: (attempt: number) => Promise<void>;
  /** Told what each attempt got back, success or failure (a circuit breaker listens here). */
  readonly onAnswer?: (answer: AttemptAnswer) => void;
  /**
   * Called before retrying a PATCH whose previous attempt may have reached Graph but got no
   * answer (timeout, reset): the caller reads the object and says whether the write is already
   * there (`applied`: nothing more is sent) or not (`resend`). Throwing stops the PATCH with that
   * error (the object holds values nobody planned). Without it the PATCH is simply sent again.
   */
  readonly onUnknownOutcome?: () => Promise<"applied" | "resend">;
}

/**
 * The Graph client for one tenant: the only code that speaks HTTP to Graph. Retries, paging,
 * timeouts and bearer tokens are its business; callers see whole collections or a typed error.
 */
export interface GraphClient {
  /** One collection GET, following `@odata.nextLink` (same host only) to the end. */
  listCollection(request: ListCollectionRequest, options?: RequestOptions): Promise<LiveObject[]>;
  /** One PATCH of one object; retried on throttling and transient failures. */
  patch(request: PatchRequest, options?: PatchOptions): Promise<PatchResponse>;
}

/**
 * What went wrong talking to Graph, in Graph's own terms so the user can quote it to support.
 * `name` is `GraphRequestError` (check errors by name, as the Azure SDK does).
 */
export interface GraphRequestErrorDetails {
  /** HTTP status; undefined for network errors and timeouts. */
  readonly status?: number;
  /** Graph's `error.code`, e.g. `Forbidden`, `BadRequest`. */
  readonly code?: string;
  /** Graph's `request-id` (response header or `innerError`). */
  readonly requestId?: string;
  readonly clientRequestId?: string;
  /** The method and URL path (never the query's tokens, never headers). */
  readonly request?: string;
  /** How many attempts were made before giving up. */
  readonly attempts?: number;
  /** The request was stopped (`stopSignal`) when it would have been retried: not given up on. */
  readonly stoppedBeforeRetry?: boolean;
}

export class GraphRequestError extends Error {
  override name = "GraphRequestError";
  readonly details: GraphRequestErrorDetails;
  constructor(message: string, details: GraphRequestErrorDetails) {
    super(message);
    this.details = details;
  }
}

/**
 * A read of Intune's audit log (`GET /deviceManagement/auditEvents`), newest first. Graph's
 * `$filter` grammar (shared/graph/audit-and-lifecycle.md §1); the caller builds the filter.
 */
export interface AuditEventsRequest {
  readonly graphVersion: GraphVersion;
  readonly filter: string;
  /** Pages read at most: the log can hold a year of a busy tenant's changes. */
  readonly maxPages: number;
}

/** One page of audit events; `more` says whether Graph offered a next page. */
export interface AuditEventPage {
  readonly events: readonly LiveObject[];
  readonly page: number;
  readonly more: boolean;
}

/** Reads the audit log: only drift attribution needs it. */
export interface AuditEventReader {
  /**
   * The pages, newest events first, each one GET; the caller stops iterating when it has what it
   * needs, and no further page is requested. Ends after `maxPages` even when Graph offers more.
   */
  auditEventPages(
    request: AuditEventsRequest,
    options?: RequestOptions,
  ): AsyncIterable<AuditEventPage>;
}

/** A client that can also invoke bound actions: only `intune-gitops invoke` needs one. */
export interface GraphActionClient extends GraphClient {
  /** One POST without a body; Graph answers 204. Resolves with Graph's request-id, if any. */
  invokeAction(
    request: ActionRequest,
    options?: RequestOptions,
  ): Promise<{ readonly requestId?: string }>;
}
