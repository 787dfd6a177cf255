import { describe, expect, it } from "vitest";
import { AttemptFailure } from "./attempt-failure.ts";
import { createAttemptLog, type GraphRequestEvent } from "./attempt-log.ts";

/** A log for one GET, with what it tells its two sinks. */
function recordingLog(url = "https://graph.example/beta/deviceManagement/x?$select=id") {
  const events: GraphRequestEvent[] = [];
  const lines: string[] = [];
  const log = createAttemptLog(
    {
      tenant: "contoso",
      onRequest: (event) => events.push(event),
      debug: (line) => lines.push(line),
    },
    { method: "GET", url: new URL(url), clientRequestId: "crid-1", maxAttempts: 6 },
  );
  return { log, events, lines };
}

describe("createAttemptLog", () => {
  it("reports a success: one event with the tenant, the request and the status; one debug line", () => {
    const { log, events, lines } = recordingLog();
    log.succeeded(2, 35, 200, "rid-9");
    expect(events).toStrictEqual([
      {
        tenant: "contoso",
        method: "GET",
        path: "/beta/deviceManagement/x",
        maxAttempts: 6,
        status: 200,
        attempt: 2,
        durationInMs: 35,
      },
    ]);
    expect(lines).toEqual([
      "GET /beta/deviceManagement/x?$select=id → 200 in 35 ms (attempt 2, client-request-id crid-1, request-id rid-9)",
    ]);
  });

  it("leaves the request-id out of a success line when Graph sent none", () => {
    const { log, lines } = recordingLog();
    log.succeeded(1, 4, 204);
    expect(lines).toEqual([
      "GET /beta/deviceManagement/x?$select=id → 204 in 4 ms (attempt 1, client-request-id crid-1)",
    ]);
  });

  it("reports a status failure that is retried: the wait in the event, its source in the line", () => {
    const { log, events, lines } = recordingLog();
    const failure = new AttemptFailure("slow down", {
      retriable: true,
      status: 429,
      requestId: "rid-1",
    });
    log.failed(1, 12, failure, { retry: true, delayInMs: 1500, source: "retry-after" });
    expect(events).toStrictEqual([
      {
        tenant: "contoso",
        method: "GET",
        path: "/beta/deviceManagement/x",
        maxAttempts: 6,
        status: 429,
        attempt: 1,
        durationInMs: 12,
        retryInMs: 1500,
      },
    ]);
    expect(lines).toEqual([
      "GET /beta/deviceManagement/x?$select=id → 429 (attempt 1/6, client-request-id crid-1, request-id rid-1): slow down; retrying in 1.5 s (Retry-After)",
    ]);
  });

  it.each([
    ["retry-after-capped", "Retry-After, capped"],
    ["backoff", "back-off"],
  ] as const)("names the source %s of a wait as %s", (source, text) => {
    const { log, lines } = recordingLog();
    const failure = new AttemptFailure("busy", { retriable: true, status: 503 });
    log.failed(3, 7, failure, { retry: true, delayInMs: 2000, source });
    expect(lines).toEqual([
      `GET /beta/deviceManagement/x?$select=id → 503 (attempt 3/6, client-request-id crid-1): busy; retrying in 2 s (${text})`,
    ]);
  });

  it("reports a network failure that is not retried: the error code, no status, no wait", () => {
    const { log, events, lines } = recordingLog();
    const failure = new AttemptFailure("connection reset", {
      retriable: true,
      networkError: "ECONNRESET",
    });
    log.failed(6, 80, failure, { retry: false, reason: "attempts" });
    expect(events).toStrictEqual([
      {
        tenant: "contoso",
        method: "GET",
        path: "/beta/deviceManagement/x",
        maxAttempts: 6,
        networkError: "ECONNRESET",
        attempt: 6,
        durationInMs: 80,
      },
    ]);
    expect(lines).toEqual([
      "GET /beta/deviceManagement/x?$select=id → ECONNRESET (attempt 6/6, client-request-id crid-1): connection reset; not retrying (attempts)",
    ]);
  });

  it('says "failed" for a failure with neither a status nor a network error', () => {
    const { log, lines } = recordingLog();
    log.failed(1, 1, new AttemptFailure("odd", { retriable: false }), {
      retry: false,
      reason: "not-retriable",
    });
    expect(lines).toEqual([
      "GET /beta/deviceManagement/x?$select=id → failed (attempt 1/6, client-request-id crid-1): odd; not retrying (not-retriable)",
    ]);
  });

  it("says why a PATCH is not sent again, and when a request stops", () => {
    const { log, events, lines } = recordingLog("https://graph.example/beta/x/ra-1");
    log.settledByRead();
    log.stopping();
    expect(events).toEqual([]);
    expect(lines).toEqual([
      "GET /beta/x/ra-1: the previous attempt got no answer, and a read shows its values: not sending it again (client-request-id crid-1)",
      "GET /beta/x/ra-1: not retrying: stopping",
    ]);
  });

  it("works without an onRequest sink", () => {
    const lines: string[] = [];
    const log = createAttemptLog(
      { tenant: "t", debug: (line) => lines.push(line) },
      {
        method: "PATCH",
        url: new URL("https://g.example/v1.0/y"),
        clientRequestId: "c",
        maxAttempts: 1,
      },
    );
    log.succeeded(1, 2, 204);
    expect(lines).toEqual(["PATCH /v1.0/y → 204 in 2 ms (attempt 1, client-request-id c)"]);
  });
});
