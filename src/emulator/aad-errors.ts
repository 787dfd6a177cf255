import { jsonResponse, type EmulatorResponse, type RequestIds } from "./http.ts";

/**
 * An Entra ID (AAD) token endpoint error, shaped like the real one so `@azure/identity` turns it
 * into the same `AuthenticationError` text a user would see in production.
 */
export interface AadFailure {
  readonly status: 400 | 401;
  /** OAuth 2.0 error: `invalid_client`, `invalid_request`, `unauthorized_client`, ... */
  readonly error: string;
  /** The AADSTS number, e.g. 7000215 for a wrong secret. */
  readonly code: number;
  /** The text after `AADSTS<code>: `. */
  readonly description: string;
}

export function aadError(ids: RequestIds, failure: AadFailure): EmulatorResponse {
  const now = new Date();
  // Entra ID writes "2024-05-01 10:20:30Z" here, a space instead of the T.
  const timestamp = `${now.toISOString().slice(0, 19).replace("T", " ")}Z`;
  return jsonResponse(failure.status, {
    error: failure.error,
    error_description: `AADSTS${failure.code}: ${failure.description} Trace ID: ${ids.requestId} Correlation ID: ${ids.clientRequestId} Timestamp: ${timestamp}`,
    error_codes: [failure.code],
    timestamp,
    trace_id: ids.requestId,
    correlation_id: ids.clientRequestId,
    error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
  });
}
