import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DEFAULT_RETRY_OPTIONS,
  backoffDelay,
  decideRetry,
  isRetriableNetworkError,
  isRetriableStatus,
  parseRetryAfter,
  retryDelay,
  type FailedAttempt,
  type RetryOptions,
} from "./retry-policy.ts";

const NOW = Date.parse("2025-03-04T05:06:07.000Z");
const fixedClock = (random = 0.5) => ({ now: () => NOW, random: () => random });

describe("isRetriableStatus", () => {
  it.each([408, 429, 500, 502, 503, 504, 507, 599])("retries %i", (status) => {
    expect(isRetriableStatus(status)).toBe(true);
  });
  it.each([200, 204, 301, 400, 401, 403, 404, 409, 412, 501, 505, 600, 999])(
    "does not retry %i",
    (status) => {
      expect(isRetriableStatus(status)).toBe(false);
    },
  );
});

describe("isRetriableNetworkError", () => {
  it("retries resets, refusals, timeouts and unknown codes", () => {
    for (const code of [
      "ECONNRESET",
      "ECONNREFUSED",
      "ETIMEDOUT",
      "EPIPE",
      "EAI_AGAIN",
      undefined,
    ]) {
      expect(isRetriableNetworkError(code)).toBe(true);
    }
  });
  it("does not retry an untrusted certificate or an unknown host", () => {
    for (const code of ["SELF_SIGNED_CERT_IN_CHAIN", "ENOTFOUND", "ERR_TLS_CERT_ALTNAME_INVALID"]) {
      expect(isRetriableNetworkError(code)).toBe(false);
    }
  });
});

describe("parseRetryAfter", () => {
  it("reads integer seconds", () => {
    expect(parseRetryAfter({ "retry-after": "7" }, NOW)).toBe(7000);
    expect(parseRetryAfter({ "retry-after": " 0 " }, NOW)).toBe(0);
  });
  it("reads fractional seconds, rounding up to a whole millisecond", () => {
    expect(parseRetryAfter({ "retry-after": "2.128" }, NOW)).toBe(2128);
    expect(parseRetryAfter({ "retry-after": "0.0004" }, NOW)).toBe(1);
  });
  it("reads an HTTP date relative to the clock", () => {
    const date = new Date(NOW + 12_000).toUTCString();
    expect(parseRetryAfter({ "retry-after": date }, NOW)).toBe(12_000);
  });
  it("treats a date in the past as no wait", () => {
    const date = new Date(NOW - 60_000).toUTCString();
    expect(parseRetryAfter({ "retry-after": date }, NOW)).toBe(0);
  });
  it("ignores garbage, negatives, empty values and a missing header", () => {
    for (const value of ["soon", "-5", "", "1e3", "12abc", "0x10", "Infinity"]) {
      expect(parseRetryAfter({ "retry-after": value }, NOW), value).toBeUndefined();
    }
    expect(parseRetryAfter({}, NOW)).toBeUndefined();
  });
  it("prefers Azure's millisecond headers", () => {
    expect(parseRetryAfter({ "retry-after-ms": "250", "retry-after": "9" }, NOW)).toBe(250);
    expect(parseRetryAfter({ "x-ms-retry-after-ms": "40" }, NOW)).toBe(40);
  });
  it("takes the first of repeated headers", () => {
    expect(parseRetryAfter({ "retry-after": ["3", "9"] }, NOW)).toBe(3000);
  });
  it("follows the fake system clock when given Date.now", () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    const date = new Date(NOW + 5_000).toUTCString();
    expect(parseRetryAfter({ "retry-after": date }, Date.now())).toBe(5_000);
    vi.advanceTimersByTime(3_000);
    expect(parseRetryAfter({ "retry-after": date }, Date.now())).toBe(2_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
});

describe("backoffDelay", () => {
  const options = { baseDelayInMs: 1000, maxDelayInMs: 8000 };
  it("doubles per retry, keeping half and randomising half", () => {
    expect(backoffDelay(1, options, () => 0)).toBe(500);
    expect(backoffDelay(1, options, () => 0.999999)).toBe(1000);
    expect(backoffDelay(2, options, () => 0)).toBe(1000);
    expect(backoffDelay(3, options, () => 0.5)).toBe(3000);
  });
  it("is capped", () => {
    expect(backoffDelay(10, options, () => 0.999999)).toBe(8000);
    expect(backoffDelay(60, options, () => 0)).toBe(4000);
  });
});

describe("retryDelay", () => {
  const options = { baseDelayInMs: 100, maxDelayInMs: 1000, maxRetryAfterInMs: 5000 };
  it("honours Retry-After under the cap", () => {
    expect(retryDelay(1, { "retry-after": "2" }, options, fixedClock())).toEqual({
      delayInMs: 2000,
      source: "retry-after",
    });
  });
  it("clamps a Retry-After above the cap", () => {
    expect(retryDelay(1, { "retry-after": "3600" }, options, fixedClock())).toEqual({
      delayInMs: 5000,
      source: "retry-after-capped",
    });
  });
  it("honours a Retry-After of exactly the cap as asked", () => {
    expect(retryDelay(1, { "retry-after": "5" }, options, fixedClock())).toEqual({
      delayInMs: 5000,
      source: "retry-after",
    });
    expect(retryDelay(1, { "retry-after-ms": "5001" }, options, fixedClock())).toEqual({
      delayInMs: 5000,
      source: "retry-after-capped",
    });
  });
  it("backs off without Retry-After, or with a garbage one", () => {
    expect(retryDelay(2, {}, options, fixedClock(0))).toEqual({
      delayInMs: 100,
      source: "backoff",
    });
    expect(retryDelay(2, { "retry-after": "later" }, options, fixedClock(0))).toEqual({
      delayInMs: 100,
      source: "backoff",
    });
    expect(retryDelay(1, undefined, options, fixedClock(0)).source).toBe("backoff");
  });
});

describe("decideRetry", () => {
  const options: RetryOptions = {
    ...DEFAULT_RETRY_OPTIONS,
    maxAttempts: 3,
    baseDelayInMs: 100,
    maxDelayInMs: 1000,
    deadlineInMs: 10_000,
  };
  const failure = (overrides: Partial<FailedAttempt>): FailedAttempt => ({
    attempt: 1,
    retriable: true,
    malformedBodies: 0,
    headers: {},
    elapsedInMs: 0,
    ...overrides,
  });

  it("retries a retriable failure", () => {
    expect(decideRetry(failure({}), options, fixedClock(0))).toEqual({
      retry: true,
      delayInMs: 50,
      source: "backoff",
    });
  });
  it("stops on a failure that is not retriable", () => {
    expect(decideRetry(failure({ retriable: false }), options, fixedClock())).toEqual({
      retry: false,
      reason: "not-retriable",
    });
  });
  it("stops after the last attempt", () => {
    expect(decideRetry(failure({ attempt: 2 }), options, fixedClock()).retry).toBe(true);
    expect(decideRetry(failure({ attempt: 3 }), options, fixedClock())).toEqual({
      retry: false,
      reason: "attempts",
    });
  });
  it("stops when the wait would cross the deadline", () => {
    const throttled = { "retry-after": "5" };
    expect(
      decideRetry(failure({ headers: throttled, elapsedInMs: 4000 }), options, fixedClock()).retry,
    ).toBe(true);
    expect(
      decideRetry(failure({ headers: throttled, elapsedInMs: 5000 }), options, fixedClock()),
    ).toEqual({
      retry: false,
      reason: "deadline",
    });
  });
  it("retries a malformed 2xx body only a bounded number of times", () => {
    expect(decideRetry(failure({ malformedBodies: 2 }), options, fixedClock()).retry).toBe(true);
    expect(decideRetry(failure({ malformedBodies: 3 }), options, fixedClock())).toEqual({
      retry: false,
      reason: "malformed-body",
    });
  });
});
