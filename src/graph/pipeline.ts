/**
 * One attempt of a Graph request as a chain of small policies, in the shape of the Azure SDK's
 * pipeline (`@azure/core-rest-pipeline`): a policy gets the request and `next`, may add headers,
 * call `next` once, twice or not at all, and look at the answer. The transport is the last step.
 * Retrying wraps the whole chain (see `retrying.ts`): every attempt runs every policy again.
 *
 * Why not `@azure/core-rest-pipeline` itself: its transport and retry policies would replace the
 * parts this client is careful about (a bounded response body and a process-wide connection pool
 * in `http-transport.ts`; Retry-After capped within a deadline; malformed 2xx bodies retried a
 * bounded number of times; a lost PATCH answer settled by a read before resending; a stop signal
 * that ends waits but not the attempt on the wire; a write budget taking a slot before every
 * hop), and it would load `@azure/*` on every Graph call, where today only building a credential
 * does. The shape is the SDK's; the ~100 lines are ours.
 */
import type { HttpResponse } from "../http-transport.ts";
import type { AttemptAnswer } from "./types.ts";

/** What the caller of one logical request asks of each attempt (see `PatchOptions`). */
export interface AttemptHooks {
  /** Before every request sent, each redirect hop included. A rejection ends the request. */
  readonly beforeSend?: (attempt: number) => Promise<void>;
  /** Told what each request sent got back. */
  readonly onAnswer?: (answer: AttemptAnswer) => void;
}

/** One attempt of one logical request, as the policies see and extend it. */
export interface AttemptRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly abortSignal?: AbortSignal;
  /** One id per logical request, the same on each of its attempts. */
  readonly clientRequestId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly hooks: AttemptHooks;
}

export type SendAttempt = (request: AttemptRequest) => Promise<HttpResponse>;

export interface PipelinePolicy {
  /** For the debug trace and for tests that check the order. */
  readonly name: string;
  sendRequest(request: AttemptRequest, next: SendAttempt): Promise<HttpResponse>;
}

/** The policies in order, outermost first, ending in `send`. */
export function createPipeline(
  policies: readonly PipelinePolicy[],
  send: SendAttempt,
): SendAttempt {
  return policies.reduceRight<SendAttempt>(
    (next, policy) => (request) => policy.sendRequest(request, next),
    send,
  );
}

export function withHeaders(
  request: AttemptRequest,
  headers: Readonly<Record<string, string>>,
): AttemptRequest {
  return { ...request, headers: { ...request.headers, ...headers } };
}

export function responseHeader(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
