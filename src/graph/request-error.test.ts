import { describe, expect, it } from "vitest";
import type { HttpResponse } from "../http-transport.ts";
import { AttemptFailure } from "./attempt-failure.ts";
import { failureFromResponse, toGraphRequestError } from "./request-error.ts";
import { DEFAULT_RETRY_OPTIONS } from "./retry-policy.ts";
import type { RetryEnd } from "./retrying.ts";

function response(
  status: number,
  body: unknown,
  headers: HttpResponse["headers"] = { "content-type": "application/json" },
): HttpResponse {
  return {
    status,
    statusText: status === 403 ? "Forbidden" : "Bad Gateway",
    headers,
    body: Buffer.from(typeof body === "string" ? body : JSON.stringify(body)),
  };
}

const forbidden = (innerError: object = {}) => ({
  error: { code: "Forbidden", message: "No permission", innerError },
});

describe("failureFromResponse", () => {
  it("takes Graph's code and message, the status, and whether the status is worth retrying", () => {
    const headers = { "content-type": "application/json", "retry-after": "3" };
    const failure = failureFromResponse(response(403, forbidden(), headers));
    expect(failure).toBeInstanceOf(AttemptFailure);
    expect(failure).toMatchObject({
      message: "No permission",
      retriable: false,
      status: 403,
      code: "Forbidden",
      headers,
    });
    expect(failure.requestId).toBeUndefined();
    expect(failureFromResponse(response(503, "")).retriable).toBe(true);
  });

  it("prefers the request-id header to the one in the body", () => {
    const failure = failureFromResponse(
      response(403, forbidden({ "request-id": "from-body" }), { "request-id": "from-header" }),
    );
    expect(failure.requestId).toBe("from-header");
  });

  it("takes the request-id from the header alone, or from the body alone", () => {
    expect(failureFromResponse(response(403, forbidden(), { "request-id": "h" })).requestId).toBe(
      "h",
    );
    expect(failureFromResponse(response(403, forbidden({ "request-id": "b" }))).requestId).toBe(
      "b",
    );
  });

  it("reads the content type: an HTML page without a tag at its start is still a page", () => {
    const failure = failureFromResponse(
      response(502, "Bad gateway, try later", { "content-type": "text/html; charset=utf-8" }),
    );
    expect(failure.message).toBe(
      "HTTP 502 Bad Gateway: the response was an HTML page, not a Graph error (a proxy or gateway answered instead of Graph)",
    );
    expect(failure.code).toBeUndefined();
  });
});

const end = (attempts: number, more: Partial<RetryEnd> = {}): RetryEnd => ({
  attempts,
  decision: { retry: false, reason: "attempts" },
  stoppedBeforeRetry: false,
  ...more,
});

function errorFor(failure: AttemptFailure, retryEnd: RetryEnd) {
  return toGraphRequestError(failure, "GET /beta/x", "crid", DEFAULT_RETRY_OPTIONS, retryEnd);
}

describe("toGraphRequestError", () => {
  it("leads with the status and code, then Graph's message, the ids and the attempts", () => {
    const failure = new AttemptFailure("No permission", {
      retriable: false,
      status: 403,
      code: "Forbidden",
      requestId: "rid",
    });
    const error = errorFor(
      failure,
      end(1, { decision: { retry: false, reason: "not-retriable" } }),
    );
    expect(error.name).toBe("GraphRequestError");
    expect(error.message).toBe(
      "GET /beta/x: HTTP 403 Forbidden: No permission (request-id rid, client-request-id crid; 1 attempt)",
    );
    expect(error.details).toStrictEqual({
      status: 403,
      code: "Forbidden",
      requestId: "rid",
      clientRequestId: "crid",
      request: "GET /beta/x",
      attempts: 1,
    });
  });

  it("says the status alone when Graph gave no code, and no request-id when there was none", () => {
    const failure = new AttemptFailure("busy", { retriable: true, status: 503 });
    const error = errorFor(failure, end(6));
    expect(error.message).toBe("GET /beta/x: HTTP 503: busy (client-request-id crid; 6 attempts)");
    expect(error.details).toStrictEqual({
      status: 503,
      clientRequestId: "crid",
      request: "GET /beta/x",
      attempts: 6,
    });
  });

  it("does not repeat a status the message already leads with, and puts the code after it", () => {
    const failure = new AttemptFailure("HTTP 502 Bad Gateway: the response was an HTML page", {
      retriable: true,
      status: 502,
      code: "BadGateway",
    });
    expect(errorFor(failure, end(2)).message).toBe(
      "GET /beta/x: HTTP 502 Bad Gateway: the response was an HTML page [BadGateway] (client-request-id crid; 2 attempts)",
    );
  });

  it("reports a network failure without a status", () => {
    const failure = new AttemptFailure("connection reset by the server", {
      retriable: true,
      networkError: "ECONNRESET",
    });
    const error = errorFor(failure, end(3));
    expect(error.message).toBe(
      "GET /beta/x: connection reset by the server (client-request-id crid; 3 attempts)",
    );
    expect(error.details).toStrictEqual({
      clientRequestId: "crid",
      request: "GET /beta/x",
      attempts: 3,
    });
  });

  it("says when it gave up because the next wait would pass the deadline", () => {
    const failure = new AttemptFailure("slow down", { retriable: true, status: 429 });
    const deadline = { decision: { retry: false, reason: "deadline" } } as const;
    expect(errorFor(failure, end(1, deadline)).message).toBe(
      "GET /beta/x: HTTP 429: slow down (client-request-id crid; gave up after 1 attempt: the next wait would pass the 300 s deadline)",
    );
    expect(errorFor(failure, end(4, deadline)).message).toBe(
      "GET /beta/x: HTTP 429: slow down (client-request-id crid; gave up after 4 attempts: the next wait would pass the 300 s deadline)",
    );
  });

  it("counts the attempts alone when the request ended otherwise", () => {
    const failure = new AttemptFailure("slow down", { retriable: true, status: 429 });
    for (const decision of [undefined, { retry: true, delayInMs: 5, source: "backoff" } as const]) {
      expect(errorFor(failure, end(2, { decision })).message).toBe(
        "GET /beta/x: HTTP 429: slow down (client-request-id crid; 2 attempts)",
      );
    }
  });

  it("says a stopped request was not retried, with its attempts", () => {
    const failure = new AttemptFailure("slow down", { retriable: true, status: 429 });
    const stopped = { stoppedBeforeRetry: true, decision: undefined };
    const once = errorFor(failure, end(1, stopped));
    expect(once.message).toBe(
      "GET /beta/x: HTTP 429: slow down (client-request-id crid; 1 attempt, not retried: stopping)",
    );
    expect(once.details.stoppedBeforeRetry).toBe(true);
    expect(errorFor(failure, end(3, stopped)).message).toBe(
      "GET /beta/x: HTTP 429: slow down (client-request-id crid; 3 attempts, not retried: stopping)",
    );
  });
});
