/**
 * The retry loop around the attempt pipeline: one logical request, however many attempts it
 * takes. `retry-policy.ts` decides (pure: status, Retry-After, back-off, deadline); this loop
 * waits and tries again.
 *
 * p-retry runs the attempts (counting them, stopping on an abort, ending on an error its
 * `onFailedAttempt` throws); the wait before each retry is the server's to choose (`Retry-After`,
 * capped, within the deadline) or the policy's back-off, so it is waited in `onFailedAttempt`,
 * the hook p-retry provides for a delay of the caller's choosing. An aborted `abortSignal` ends
 * the request with its reason, whatever the attempt threw.
 */
import pRetry from "p-retry";
import { AttemptFailure } from "./attempt-failure.ts";
import type { AttemptLog } from "./attempt-log.ts";
import { decideRetry, type RetryDecision, type RetryOptions } from "./retry-policy.ts";

/** A 2xx attempt: the value read from it, and what the log says about it. */
export interface AttemptSuccess<T> {
  readonly value: T;
  readonly status: number;
  readonly requestId?: string;
}

/** How the request ended when it failed, for the error message. */
export interface RetryEnd {
  readonly attempts: number;
  readonly decision: RetryDecision | undefined;
  readonly stoppedBeforeRetry: boolean;
}

export interface RetryingOptions<T> {
  readonly retry: RetryOptions;
  readonly clock: { readonly now: () => number; readonly random: () => number };
  readonly log: AttemptLog;
  /** Cancels the request at once, the attempt on the wire included. */
  readonly abortSignal?: AbortSignal;
  /** Ends waits before retries; the attempt on the wire finishes and its failure is the answer. */
  readonly stopSignal?: AbortSignal;
  /**
   * Before resending after an attempt whose outcome is unknown (it may have reached Graph): the
   * result to end with (the write is there), or undefined to resend. Throws to stop.
   */
  readonly settleUnknownOutcome?: () => Promise<T | undefined>;
  /** The error the request ends with when its last attempt failed. */
  readonly toError: (failure: AttemptFailure, end: RetryEnd) => Error;
}

export async function withRetries<T>(
  attempt: (attemptNumber: number) => Promise<AttemptSuccess<T>>,
  options: RetryingOptions<T>,
): Promise<T> {
  const { abortSignal, stopSignal, log, retry } = options;
  // A wait before a retry ends on either signal; only the abort signal cancels an attempt.
  const waitSignal =
    stopSignal === undefined || abortSignal === undefined
      ? (stopSignal ?? abortSignal)
      : AbortSignal.any([abortSignal, stopSignal]);
  const started = performance.now();
  let attemptStarted = started;
  let malformedBodies = 0;
  let outcomeUnknown = false;
  abortSignal?.throwIfAborted();
  return pRetry(
    async (attemptNumber) => {
      attemptStarted = performance.now();
      if (outcomeUnknown && options.settleUnknownOutcome !== undefined) {
        outcomeUnknown = false;
        const settled = await options.settleUnknownOutcome();
        if (settled !== undefined) {
          log.settledByRead();
          return settled;
        }
      }
      const success = await attempt(attemptNumber);
      log.succeeded(
        attemptNumber,
        Math.round(performance.now() - attemptStarted),
        success.status,
        success.requestId,
      );
      return success.value;
    },
    {
      // An upper bound only: retry-policy stops first (attempts, deadline, what failed).
      retries: retry.maxAttempts - 1,
      // The wait is the server's to choose (Retry-After, capped, within the deadline) or
      // retry-policy's back-off: p-retry's own schedule would not honour it, so it waits
      // nothing and onFailedAttempt waits what the policy decided, as p-retry documents for a
      // custom delay. Throwing there ends the request with that error.
      minTimeout: 0,
      ...(abortSignal === undefined ? {} : { signal: abortSignal }),
      onFailedAttempt: async ({ error, attemptNumber }) => {
        abortSignal?.throwIfAborted();
        // A token failure, a write budget saying "send nothing more": never retried.
        if (!(error instanceof AttemptFailure)) throw error;
        if (error.malformedBody) malformedBodies++;
        outcomeUnknown = mayHaveReachedServer(error.networkError);
        const decision = decideRetry(
          {
            attempt: attemptNumber,
            retriable: error.retriable,
            malformedBodies,
            headers: error.headers,
            elapsedInMs: performance.now() - started,
          },
          retry,
          options.clock,
        );
        log.failed(attemptNumber, Math.round(performance.now() - attemptStarted), error, decision);
        const end = { attempts: attemptNumber, decision, stoppedBeforeRetry: false };
        if (!decision.retry) throw options.toError(error, end);
        try {
          stopSignal?.throwIfAborted();
          await sleep(decision.delayInMs, waitSignal);
        } catch (cause) {
          if (abortSignal?.aborted === true || stopSignal?.aborted !== true) throw cause;
          // Stopped: this attempt's failure is the answer, not the stop.
          log.stopping();
          throw options.toError(error, { ...end, stoppedBeforeRetry: true });
        }
        abortSignal?.throwIfAborted();
      },
    },
  );
}

/**
 * Network failures that prove the request never left: the connection was refused, or the host
 * could not be found or reached. Any other (reset, timeout, broken pipe) may have come after
 * the server received the request, and acted on it.
 */
const NOT_SENT_NETWORK_ERRORS: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
]);

function mayHaveReachedServer(networkError: string | undefined): boolean {
  return networkError !== undefined && !NOT_SENT_NETWORK_ERRORS.has(networkError);
}

function sleep(ms: number, abortSignal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      abortSignal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(
        abortSignal?.reason instanceof Error
          ? abortSignal.reason
          : new Error("the request was cancelled"),
      );
    };
    abortSignal?.addEventListener("abort", onAbort, { once: true });
  });
}
