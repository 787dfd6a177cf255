import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AttemptFailure } from "./attempt-failure.ts";
import type { AttemptLog } from "./attempt-log.ts";
import { DEFAULT_RETRY_OPTIONS, type RetryDecision } from "./retry-policy.ts";
import {
  withRetries,
  type AttemptSuccess,
  type RetryEnd,
  type RetryingOptions,
} from "./retrying.ts";

/**
 * The retry loop on its own: the attempt is a function, the policy the real one. Waits are a
 * millisecond unless a test needs a long one, which it then ends with a signal.
 */
type Logged =
  | ["succeeded", number, number, number, string | undefined]
  | ["failed", number, number, string, RetryDecision]
  | ["settledByRead"]
  | ["stopping"];

function recordingLog(): AttemptLog & { readonly calls: Logged[] } {
  const calls: Logged[] = [];
  return {
    calls,
    succeeded: (attempt, durationInMs, status, requestId) =>
      calls.push(["succeeded", attempt, durationInMs, status, requestId]),
    failed: (attempt, durationInMs, failure, decision) =>
      calls.push(["failed", attempt, durationInMs, failure.message, decision]),
    settledByRead: () => calls.push(["settledByRead"]),
    stopping: () => calls.push(["stopping"]),
  };
}

class EndedWith extends Error {
  readonly failure: AttemptFailure;
  readonly end: RetryEnd;
  constructor(failure: AttemptFailure, end: RetryEnd) {
    super(`ended: ${failure.message}`);
    this.failure = failure;
    this.end = end;
  }
}

function options(more: Partial<RetryingOptions<string>> = {}) {
  const log = recordingLog();
  return {
    log,
    options: {
      retry: { ...DEFAULT_RETRY_OPTIONS, baseDelayInMs: 1, maxDelayInMs: 1 },
      clock: { now: () => Date.now(), random: () => 0 },
      log,
      toError: (failure: AttemptFailure, end: RetryEnd) => new EndedWith(failure, end),
      ...more,
    } satisfies RetryingOptions<string>,
  };
}

const ok = (value: string): AttemptSuccess<string> => ({ value, status: 200 });
const busy = () => new AttemptFailure("busy", { retriable: true, status: 503 });
const throttled = () =>
  new AttemptFailure("slow down", {
    retriable: true,
    status: 429,
    headers: { "retry-after": "3600" },
  });
const network = (code: string) => new AttemptFailure(code, { retriable: true, networkError: code });

/** An attempt function answering from a list, counting its calls. */
function attempts(...answers: (AttemptSuccess<string> | Error | (() => Promise<never>))[]) {
  let calls = 0;
  const attempt = (attemptNumber: number): Promise<AttemptSuccess<string>> => {
    calls++;
    expect(attemptNumber).toBe(calls);
    const answer = answers[Math.min(calls, answers.length) - 1];
    if (typeof answer === "function") return answer();
    return answer instanceof Error || answer === undefined
      ? Promise.reject(answer ?? new Error("no answer"))
      : Promise.resolve(answer);
  };
  return { attempt, count: () => calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("withRetries", () => {
  it("retries retriable failures until one succeeds, a failure not counting as a malformed body", async () => {
    const { attempt, count } = attempts(busy(), busy(), busy(), busy(), ok("done"));
    const { options: given, log } = options();
    await expect(withRetries(attempt, given)).resolves.toBe("done");
    expect(count()).toBe(5);
    expect(log.calls.map((call) => call[0])).toEqual([
      "failed",
      "failed",
      "failed",
      "failed",
      "succeeded",
    ]);
  });

  it("retries malformed bodies only as often as allowed", async () => {
    const malformed = new AttemptFailure("garbled", { retriable: true, malformedBody: true });
    const { attempt, count } = attempts(malformed);
    const { options: given } = options();
    const ended = await withRetries(attempt, given).catch((error: unknown) => error);
    expect(ended).toBeInstanceOf(EndedWith);
    expect((ended as EndedWith).end).toEqual({
      attempts: 3,
      decision: { retry: false, reason: "malformed-body" },
      stoppedBeforeRetry: false,
    });
    expect(count()).toBe(3);
  });

  it("ends at once with any error that is not an attempt failure (a token failure)", async () => {
    const tokenFailure = new Error("the token endpoint refused");
    const { attempt, count } = attempts(tokenFailure, ok("never"));
    const { options: given, log } = options();
    await expect(withRetries(attempt, given)).rejects.toBe(tokenFailure);
    expect(count()).toBe(1);
    expect(log.calls).toEqual([]);
  });

  it("logs how long each attempt took", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance", "Date"] });
    vi.advanceTimersByTime(100_000);
    const slow = (ms: number, answer: () => AttemptSuccess<string>) => async (): Promise<never> => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return answer() as never;
    };
    const { attempt } = attempts(
      slow(250, () => {
        throw busy();
      }),
      slow(40, () => ok("done")),
    );
    const { options: given, log } = options();
    const done = withRetries(attempt, given);
    await vi.runAllTimersAsync();
    await expect(done).resolves.toBe("done");
    expect(log.calls).toEqual([
      ["failed", 1, 250, "busy", { retry: true, delayInMs: 1, source: "backoff" }],
      ["succeeded", 2, 40, 200, undefined],
    ]);
  });
});

describe("a failure whose outcome is unknown (it may have reached Graph)", () => {
  it("is settled by a read before it is resent: the read's answer ends the request", async () => {
    const settle = vi.fn(() => Promise.resolve("written"));
    const { attempt, count } = attempts(network("ECONNRESET"), ok("resent"));
    const { options: given, log } = options({ settleUnknownOutcome: settle });
    await expect(withRetries(attempt, given)).resolves.toBe("written");
    expect(count()).toBe(1);
    expect(settle).toHaveBeenCalledTimes(1);
    expect(log.calls.map((call) => call[0])).toEqual(["failed", "settledByRead"]);
  });

  it("is resent when the read shows it did not land", async () => {
    const settle = vi.fn(() => Promise.resolve(undefined));
    const { attempt, count } = attempts(network("ETIMEDOUT"), ok("resent"));
    const { options: given, log } = options({ settleUnknownOutcome: settle });
    await expect(withRetries(attempt, given)).resolves.toBe("resent");
    expect(count()).toBe(2);
    expect(settle).toHaveBeenCalledTimes(1);
    expect(log.calls.map((call) => call[0])).toEqual(["failed", "succeeded"]);
  });

  it("is not asked about before the first attempt, nor after failures that never left or got an answer", async () => {
    const settle = vi.fn(() => Promise.resolve("written"));
    for (const failure of [network("ECONNREFUSED"), network("ENOTFOUND"), busy()]) {
      const { attempt, count } = attempts(failure, ok("resent"));
      const { options: given } = options({ settleUnknownOutcome: settle });
      await expect(withRetries(attempt, given)).resolves.toBe("resent");
      expect(count()).toBe(2);
    }
    const { attempt } = attempts(ok("first"));
    await expect(
      withRetries(attempt, options({ settleUnknownOutcome: settle }).options),
    ).resolves.toBe("first");
    expect(settle).not.toHaveBeenCalled();
  });
});

describe("signals", () => {
  it("a stop during a wait ends it at once with the last failure, and leaves no timer or listener behind", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const stop = new AbortController();
    const { attempt, count } = attempts(throttled());
    const { options: given, log } = options({
      stopSignal: stop.signal,
      retry: { ...DEFAULT_RETRY_OPTIONS, maxRetryAfterInMs: 3_600_000, deadlineInMs: 7_200_000 },
    });
    const ended = withRetries(attempt, given).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(1);
    stop.abort(new Error("SIGINT"));
    const error = await ended;
    expect(error).toBeInstanceOf(EndedWith);
    expect((error as EndedWith).end).toMatchObject({ attempts: 1, stoppedBeforeRetry: true });
    expect(log.calls.map((call) => call[0])).toEqual(["failed", "stopping"]);
    expect(count()).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
  });

  it("a wait that runs its course leaves no listener on the stop signal", async () => {
    const stop = new AbortController();
    const { attempt } = attempts(busy(), ok("done"));
    await expect(withRetries(attempt, options({ stopSignal: stop.signal }).options)).resolves.toBe(
      "done",
    );
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
  });

  it("an abort during a wait ends the request with the abort's reason, with or without a stop signal", async () => {
    for (const withStop of [false, true]) {
      const abort = new AbortController();
      const stop = new AbortController();
      const { attempt, count } = attempts(throttled());
      const { options: given } = options({
        abortSignal: abort.signal,
        ...(withStop ? { stopSignal: stop.signal } : {}),
        retry: { ...DEFAULT_RETRY_OPTIONS, maxRetryAfterInMs: 3_600_000, deadlineInMs: 7_200_000 },
      });
      const ended = withRetries(attempt, given).catch((error: unknown) => error);
      while (count() === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const reason = new Error("grace over");
      abort.abort(reason);
      await expect(ended).resolves.toBe(reason);
      expect(count()).toBe(1);
    }
  });

  it("an abort whose reason is not an error ends the request with an error that says so", async () => {
    const abort = new AbortController();
    const { attempt, count } = attempts(throttled());
    const { options: given } = options({
      abortSignal: abort.signal,
      retry: { ...DEFAULT_RETRY_OPTIONS, maxRetryAfterInMs: 3_600_000, deadlineInMs: 7_200_000 },
    });
    const ended = withRetries(attempt, given).catch((error: unknown) => error);
    while (count() === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    abort.abort("grace over");
    const error = await ended;
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("the request was cancelled");
  });

  it("an abort wins over a stop given right after it", async () => {
    const abort = new AbortController();
    const stop = new AbortController();
    const { attempt, count } = attempts(throttled());
    const { options: given } = options({
      abortSignal: abort.signal,
      stopSignal: stop.signal,
      retry: { ...DEFAULT_RETRY_OPTIONS, maxRetryAfterInMs: 3_600_000, deadlineInMs: 7_200_000 },
    });
    const ended = withRetries(attempt, given).catch((error: unknown) => error);
    while (count() === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const reason = new Error("grace over");
    abort.abort(reason);
    stop.abort(new Error("SIGINT"));
    await expect(ended).resolves.toBe(reason);
  });

  it("an abort while an attempt succeeds ends the request with the abort, not the answer", async () => {
    const abort = new AbortController();
    const reason = new Error("grace over");
    const { attempt } = attempts(() => {
      abort.abort(reason);
      return Promise.resolve(ok("too late")) as Promise<never>;
    });
    await expect(withRetries(attempt, options({ abortSignal: abort.signal }).options)).rejects.toBe(
      reason,
    );
  });
});
