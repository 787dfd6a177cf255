import { formatSeconds } from "../format-duration.ts";
import { oneLine } from "../one-line.ts";
import { redact } from "../redact.ts";
import type { HttpResponse } from "../http-transport.ts";
import { AttemptFailure } from "./attempt-failure.ts";
import { parseGraphError } from "./graph-error.ts";
import { responseHeader } from "./pipeline.ts";
import { isRetriableStatus, type RetryOptions } from "./retry-policy.ts";
import type { RetryEnd } from "./retrying.ts";
import { GraphRequestError, type GraphRequestErrorDetails } from "./types.ts";

/** A non-2xx answer as an attempt failure: Graph's code and message, retriable by its status. */
export function failureFromResponse(response: HttpResponse): AttemptFailure {
  const requestId = responseHeader(response, "request-id");
  const info = parseGraphError(
    response.status,
    response.statusText,
    response.body.toString("utf8"),
    responseHeader(response, "content-type"),
  );
  return new AttemptFailure(info.message, {
    retriable: isRetriableStatus(response.status),
    status: response.status,
    code: info.code,
    requestId: requestId ?? info.requestId,
    headers: response.headers,
  });
}

/** The error a logical request ends with: one line the user can quote to Microsoft support. */
export function toGraphRequestError(
  failure: AttemptFailure,
  label: string,
  clientRequestId: string,
  retry: RetryOptions,
  end: RetryEnd,
): GraphRequestError {
  const { decision, attempts } = end;
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
  const counted = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
  const tries = end.stoppedBeforeRetry
    ? `${counted}, not retried: stopping`
    : decision !== undefined && !decision.retry && decision.reason === "deadline"
      ? `gave up after ${counted}: the next wait would pass the ${formatSeconds(retry.deadlineInMs)} deadline`
      : counted;
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
