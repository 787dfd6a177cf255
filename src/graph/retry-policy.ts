/**
 * When to retry a Graph request and how long to wait first. Pure functions: the clock and the
 * random source are parameters, so the policy is tested without waiting.
 *
 * The rules (Graph's throttling guidance and the Azure SDK's retry policy):
 * - 408, 429, and every 5xx except 501 (Not Implemented) and 505 (HTTP Version Not Supported)
 *   are retried; other statuses fail at once (a 400 or 403 will not get better by asking again).
 * - `Retry-After` wins over back-off when the server sends it, in any of its forms: integer
 *   seconds, fractional seconds (Graph sends `2.128`), or an HTTP date. Azure's millisecond
 *   variants (`retry-after-ms`, `x-ms-retry-after-ms`) are honoured too.
 * - A `Retry-After` longer than the cap is clamped to the cap rather than refused: the attempt
 *   budget and the overall deadline still bound the whole call, and a throttled call that waits
 *   less than asked merely gets another 429 with a fresh `Retry-After`.
 * - Without `Retry-After`: exponential back-off with "equal jitter" (half fixed, half random), so
 *   that many tenants throttled at once do not come back in lockstep.
 */

/** The knobs of the retry policy, all durations in milliseconds. */
export interface RetryOptions {
  /** Attempts per logical request, the first included (so 6 = 1 try + 5 retries). At least 1. */
  readonly maxAttempts: number;
  /** The longest `Retry-After` honoured; longer ones are clamped to this. */
  readonly maxRetryAfterInMs: number;
  /** The first back-off delay (before jitter). */
  readonly baseDelayInMs: number;
  /** The longest back-off delay. */
  readonly maxDelayInMs: number;
  /** The whole logical request (every attempt and every wait) must end within this. */
  readonly deadlineInMs: number;
  /**
   * How many times a 2xx response whose body is not the JSON Graph promised is retried. A
   * truncated or garbled body is usually a proxy or a dropped connection, so one or two more
   * tries are worth it; more would hide a real bug.
   */
  readonly maxMalformedBodyRetries: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxAttempts: 6,
  maxRetryAfterInMs: 60_000,
  baseDelayInMs: 1_000,
  maxDelayInMs: 30_000,
  deadlineInMs: 5 * 60_000,
  maxMalformedBodyRetries: 2,
};

/** Whether an HTTP status is worth another attempt. */
export function isRetriableStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

/**
 * Network error codes that retrying cannot fix: a certificate the runtime does not trust, a
 * host name that does not exist. Every other network failure (reset, refused, timeout, broken
 * pipe, DNS hiccup) is retried.
 */
const PERMANENT_NETWORK_ERRORS: ReadonlySet<string> = new Set([
  "ENOTFOUND",
  "ERR_INVALID_URL",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "ERR_SSL_WRONG_VERSION_NUMBER",
]);

export function isRetriableNetworkError(code: string | undefined): boolean {
  return code === undefined || !PERMANENT_NETWORK_ERRORS.has(code);
}

/** The response headers the policy reads, lower-cased as node:http gives them. */
export type RetryHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

function firstHeader(headers: RetryHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined);
}

const DELAY_SECONDS = /^\s*(\d+(?:\.\d+)?)\s*$/;

/**
 * The delay a response asks for, in milliseconds, or undefined when it asks for none (or the
 * header is garbage, which is then ignored rather than trusted). A date in the past means "now",
 * i.e. 0. `now` is the current time in epoch milliseconds.
 */
export function parseRetryAfter(headers: RetryHeaders, now: number): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = firstHeader(headers, name);
    const match = value === undefined ? null : DELAY_SECONDS.exec(value);
    if (match?.[1] !== undefined) return Math.ceil(Number(match[1]));
  }
  const value = firstHeader(headers, "retry-after");
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = DELAY_SECONDS.exec(value);
  if (seconds?.[1] !== undefined) return Math.ceil(Number(seconds[1]) * 1000);
  // An HTTP date (IMF-fixdate, or the obsolete forms Date.parse also reads). A bare number was
  // handled above, so Date.parse cannot mistake "120" for the year 120.
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The back-off before retry number `retry` (1 for the first retry): base·2^(retry-1), capped,
 * then half of it kept and half drawn at random. `random` returns a number in [0, 1).
 */
export function backoffDelay(
  retry: number,
  options: Pick<RetryOptions, "baseDelayInMs" | "maxDelayInMs">,
  random: () => number,
): number {
  const exponential = options.baseDelayInMs * 2 ** Math.max(0, retry - 1);
  const capped = Math.min(options.maxDelayInMs, exponential);
  return Math.round(capped / 2 + random() * (capped / 2));
}

/** Why a wait was chosen, for the debug trace. */
export type DelaySource = "retry-after" | "retry-after-capped" | "backoff";

export interface RetryDelay {
  readonly delayInMs: number;
  readonly source: DelaySource;
}

/**
 * How long to wait before retry number `retry`: the server's `Retry-After` (clamped to the cap)
 * when it sent one, else back-off with jitter.
 */
export function retryDelay(
  retry: number,
  headers: RetryHeaders | undefined,
  options: Pick<RetryOptions, "baseDelayInMs" | "maxDelayInMs" | "maxRetryAfterInMs">,
  clock: { readonly now: () => number; readonly random: () => number },
): RetryDelay {
  const asked = headers === undefined ? undefined : parseRetryAfter(headers, clock.now());
  if (asked !== undefined) {
    return asked > options.maxRetryAfterInMs
      ? { delayInMs: options.maxRetryAfterInMs, source: "retry-after-capped" }
      : { delayInMs: asked, source: "retry-after" };
  }
  return { delayInMs: backoffDelay(retry, options, clock.random), source: "backoff" };
}

/** What the caller knows about a failed attempt, for `decideRetry`. */
export interface FailedAttempt {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Whether this kind of failure is retriable at all (status, network code, malformed body). */
  readonly retriable: boolean;
  /** Malformed 2xx bodies seen so far in this logical request, this one included. */
  readonly malformedBodies: number;
  readonly headers: RetryHeaders | undefined;
  /** Milliseconds since the logical request started. */
  readonly elapsedInMs: number;
}

export type RetryDecision =
  | { readonly retry: true; readonly delayInMs: number; readonly source: DelaySource }
  | {
      readonly retry: false;
      readonly reason: "not-retriable" | "attempts" | "deadline" | "malformed-body";
    };

/** Whether to try again after a failed attempt, and after how long. */
export function decideRetry(
  failure: FailedAttempt,
  options: RetryOptions,
  clock: { readonly now: () => number; readonly random: () => number },
): RetryDecision {
  if (!failure.retriable) return { retry: false, reason: "not-retriable" };
  if (failure.malformedBodies > options.maxMalformedBodyRetries) {
    return { retry: false, reason: "malformed-body" };
  }
  if (failure.attempt >= options.maxAttempts) return { retry: false, reason: "attempts" };
  const delay = retryDelay(failure.attempt, failure.headers, options, clock);
  // Waiting past the deadline only to be cut off would hide the real error behind a timeout.
  if (failure.elapsedInMs + delay.delayInMs >= options.deadlineInMs) {
    return { retry: false, reason: "deadline" };
  }
  return { retry: true, ...delay };
}
