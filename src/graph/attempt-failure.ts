import type { RetryHeaders } from "./retry-policy.ts";

/**
 * Why an attempt failed, as the retry decision needs it. Internal to the Graph client: callers
 * see `GraphRequestError`. Any other error an attempt throws (a token failure, a write budget
 * saying "send nothing more", a cancellation) ends the request as it is, never retried.
 */
export class AttemptFailure extends Error {
  override name = "AttemptFailure";
  readonly retriable: boolean;
  readonly malformedBody: boolean;
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;
  readonly networkError?: string;
  readonly headers?: RetryHeaders;
  constructor(
    message: string,
    fields: {
      retriable: boolean;
      malformedBody?: boolean;
      status?: number;
      code?: string;
      requestId?: string;
      networkError?: string;
      headers?: RetryHeaders;
    },
  ) {
    super(message);
    // Class fields are own properties from the start (ES2022 semantics), undefined until set:
    // assigning an absent field changes nothing, so no field needs a guard.
    this.retriable = fields.retriable;
    this.malformedBody = fields.malformedBody ?? false;
    this.status = fields.status;
    this.code = fields.code;
    this.requestId = fields.requestId;
    this.networkError = fields.networkError;
    this.headers = fields.headers;
  }
}
