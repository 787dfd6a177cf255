import type { AttemptAnswer } from "../graph/types.ts";

/**
 * A circuit breaker per tenant for the writes of one apply: after `consecutiveFailures` PATCH
 * attempts in a row answered 429 or 5xx, or not answered at all (reset, timeout), the tenant is
 * taken to be down or throttling hard. The circuit opens: no further PATCH is sent to it in this
 * run, and its remaining writes are reported as not attempted — rather than each of them going
 * through its retries, minutes of Retry-After waits, against a service that keeps refusing.
 *
 * Any other answer (2xx, or a 4xx that says the request itself was wrong) closes the count
 * again: the tenant is answering. The count is across all the tenant's writes in flight, in the
 * order their answers arrive.
 */
export interface CircuitBreakerOptions {
  /** Failed answers in a row that open the circuit. At least 1. */
  readonly consecutiveFailures: number;
  /** Called once, when the circuit opens. */
  readonly onOpen?: (failures: number) => void;
}

export interface CircuitBreaker {
  /** Counts one attempt's answer. */
  record(answer: AttemptAnswer): void;
  /** Whether the circuit has opened (it stays open for the rest of the run). */
  isOpen(): boolean;
  /** Aborted when the circuit opens: for waits that should end then (a write budget's queue). */
  readonly signal: AbortSignal;
}

/**
 * K = 10: more than a single write's 6 attempts, so one unlucky object cannot open the circuit
 * on its own, while a tenant answering 503 to everything is given up on after 10 requests
 * instead of 6 per object.
 */
export const DEFAULT_CIRCUIT_BREAKER = { consecutiveFailures: 10 } as const;

/** Whether an answer counts against the tenant's health. */
export function isFailedAnswer(answer: AttemptAnswer): boolean {
  if (answer.status === undefined) return true;
  return answer.status === 429 || answer.status >= 500;
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const { consecutiveFailures } = options;
  if (!Number.isInteger(consecutiveFailures) || consecutiveFailures < 1) {
    throw new RangeError(
      `circuit breaker: consecutiveFailures must be a positive integer, got ${consecutiveFailures}`,
    );
  }
  const controller = new AbortController();
  let failures = 0;
  return {
    record(answer) {
      if (controller.signal.aborted) return;
      failures = isFailedAnswer(answer) ? failures + 1 : 0;
      if (failures < consecutiveFailures) return;
      controller.abort(new CircuitOpenError(failures));
      options.onOpen?.(failures);
    },
    isOpen: () => controller.signal.aborted,
    signal: controller.signal,
  };
}

/** Why a write was not sent (again): the tenant's circuit is open. */
export class CircuitOpenError extends Error {
  override name = "CircuitOpenError";
  constructor(failures: number) {
    super(
      `not sent: the tenant answered ${failures} PATCH attempts in a row with 429, 5xx or no answer, so this run stopped writing to it`,
    );
  }
}
