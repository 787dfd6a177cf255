import { describe, expect, it } from "vitest";
import { CircuitOpenError, createCircuitBreaker, isFailedAnswer } from "./circuit-breaker.ts";

describe("circuit breaker", () => {
  it("counts 429, 5xx and no answer as failures; 2xx and other 4xx as answers", () => {
    expect([429, 500, 503, 504].map((status) => isFailedAnswer({ status }))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(isFailedAnswer({ networkError: "ECONNRESET" })).toBe(true);
    expect([200, 204, 400, 403, 404, 409].map((status) => isFailedAnswer({ status }))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("opens after K failures in a row, once, and aborts its signal with the reason", () => {
    const opened: number[] = [];
    const breaker = createCircuitBreaker({
      consecutiveFailures: 3,
      onOpen: (failures) => opened.push(failures),
    });
    breaker.record({ status: 503 });
    breaker.record({ status: 429 });
    expect(breaker.isOpen()).toBe(false);
    breaker.record({ networkError: "ETIMEDOUT" });
    expect(breaker.isOpen()).toBe(true);
    expect(breaker.signal.reason).toBeInstanceOf(CircuitOpenError);
    expect(breaker.signal.reason).toMatchObject({
      name: "CircuitOpenError",
      message:
        "not sent: the tenant answered 3 PATCH attempts in a row with 429, 5xx or no answer, so this run stopped writing to it",
    });
    breaker.record({ status: 503 });
    breaker.record({ status: 204 });
    expect(breaker.isOpen()).toBe(true);
    expect(opened).toEqual([3]);
  });

  it("starts counting again after any real answer", () => {
    const breaker = createCircuitBreaker({ consecutiveFailures: 3 });
    for (const status of [503, 503, 204, 503, 503, 400, 503, 503]) breaker.record({ status });
    expect(breaker.isOpen()).toBe(false);
    breaker.record({ status: 503 });
    expect(breaker.isOpen()).toBe(true);
  });

  it("refuses a threshold that is not a positive integer", () => {
    expect(() => createCircuitBreaker({ consecutiveFailures: 0 })).toThrow(
      new RangeError("circuit breaker: consecutiveFailures must be a positive integer, got 0"),
    );
    expect(() => createCircuitBreaker({ consecutiveFailures: 1.5 })).toThrow(RangeError);
  });
});
