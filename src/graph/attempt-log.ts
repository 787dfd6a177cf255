/**
 * Logging and telemetry of one logical request's attempts: an `onRequest` event per attempt for
 * progress displays, and one debug line per attempt and per retry decision. Never a header, a
 * body or a token (the debug sink redacts as well).
 */
import { formatSeconds } from "../format-duration.ts";
import type { AttemptFailure } from "./attempt-failure.ts";
import { pathAndQuery } from "./request-text.ts";
import type { DelaySource, RetryDecision } from "./retry-policy.ts";

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

export interface AttemptLogSinks {
  readonly tenant: string;
  readonly onRequest?: (event: GraphRequestEvent) => void;
  readonly debug: (line: string) => void;
}

/** What the retry loop reports about one logical request. */
export interface AttemptLog {
  succeeded(attempt: number, durationInMs: number, status: number, requestId?: string): void;
  failed(
    attempt: number,
    durationInMs: number,
    failure: AttemptFailure,
    decision: RetryDecision,
  ): void;
  /** A lost PATCH answer was settled by a read that shows the written values. */
  settledByRead(): void;
  stopping(): void;
}

export function createAttemptLog(
  sinks: AttemptLogSinks,
  request: {
    readonly method: string;
    readonly url: URL;
    readonly clientRequestId: string;
    readonly maxAttempts: number;
  },
): AttemptLog {
  const { method, url, clientRequestId, maxAttempts } = request;
  const event = { tenant: sinks.tenant, method, path: url.pathname, maxAttempts };
  return {
    succeeded(attempt, durationInMs, status, requestId) {
      sinks.onRequest?.({ ...event, status, attempt, durationInMs });
      sinks.debug(
        `${method} ${pathAndQuery(url)} → ${status} in ${durationInMs} ms (attempt ${attempt}, client-request-id ${clientRequestId}${requestId ? `, request-id ${requestId}` : ""})`,
      );
    },
    failed(attempt, durationInMs, failure, decision) {
      sinks.onRequest?.({
        ...event,
        ...(failure.status === undefined ? {} : { status: failure.status }),
        ...(failure.networkError === undefined ? {} : { networkError: failure.networkError }),
        attempt,
        durationInMs,
        ...(decision.retry ? { retryInMs: decision.delayInMs } : {}),
      });
      sinks.debug(
        `${method} ${pathAndQuery(url)} → ${failure.status ?? failure.networkError ?? "failed"} (attempt ${attempt}/${maxAttempts}, client-request-id ${clientRequestId}${failure.requestId ? `, request-id ${failure.requestId}` : ""}): ${failure.message}; ${
          decision.retry
            ? `retrying in ${formatSeconds(decision.delayInMs)} (${describeSource(decision.source)})`
            : `not retrying (${decision.reason})`
        }`,
      );
    },
    settledByRead() {
      sinks.debug(
        `${method} ${pathAndQuery(url)}: the previous attempt got no answer, and a read shows its values: not sending it again (client-request-id ${clientRequestId})`,
      );
    },
    stopping() {
      sinks.debug(`${method} ${pathAndQuery(url)}: not retrying: stopping`);
    },
  };
}

function describeSource(source: DelaySource): string {
  if (source === "retry-after") return "Retry-After";
  if (source === "retry-after-capped") return "Retry-After, capped";
  return "back-off";
}
