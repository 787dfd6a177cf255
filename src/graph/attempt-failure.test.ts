import { describe, expect, it } from "vitest";
import { AttemptFailure } from "./attempt-failure.ts";

describe("AttemptFailure", () => {
  it("is named, and a failure is not a malformed body unless it says so", () => {
    const failure = new AttemptFailure("busy", { retriable: true, status: 503 });
    expect(failure).toBeInstanceOf(Error);
    expect(failure.name).toBe("AttemptFailure");
    expect(failure.message).toBe("busy");
    expect(failure.malformedBody).toBe(false);
    expect(new AttemptFailure("x", { retriable: true, malformedBody: true }).malformedBody).toBe(
      true,
    );
  });

  it("carries what the retry decision and the error message need", () => {
    const headers = { "retry-after": "2" };
    const failure = new AttemptFailure("m", {
      retriable: false,
      status: 429,
      code: "TooManyRequests",
      requestId: "rid",
      networkError: "ECONNRESET",
      headers,
    });
    expect(failure).toMatchObject({
      retriable: false,
      status: 429,
      code: "TooManyRequests",
      requestId: "rid",
      networkError: "ECONNRESET",
      headers,
    });
  });
});
