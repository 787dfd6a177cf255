import { GRAPH_JSON, jsonResponse, type EmulatorResponse, type RequestIds } from "./http.ts";

/**
 * Graph's error body: `{ error: { code, message, innerError: { date, request-id,
 * client-request-id } } }`, with `date` as the service writes it (UTC, no fraction, no `Z`).
 */
export function graphError(
  ids: RequestIds,
  status: number,
  code: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): EmulatorResponse {
  return jsonResponse(
    status,
    {
      error: {
        code,
        message,
        innerError: {
          date: innerErrorDate(new Date()),
          "request-id": ids.requestId,
          "client-request-id": ids.clientRequestId,
        },
      },
    },
    headers,
    GRAPH_JSON,
  );
}

/**
 * Intune's habit of putting a JSON document inside `error.message` (its front end's error), so
 * that clients learn to unwrap it. The shape is copied from real 403 and 500 responses.
 */
export function intuneMessage(ids: RequestIds, message: string, path: string): string {
  const document = {
    _version: 3,
    Message: `${message} - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: ${ids.clientRequestId} - Url: https://fef.emulator.manage.microsoft.com/StatelessServiceConfig${path}`,
    CustomApiErrorPhrase: "",
    RetryAfter: null,
    ErrorSourceService: "",
    HttpHeaders: "{}",
  };
  return JSON.stringify(document, null, 2).replaceAll("\n", "\r\n");
}

/** `2020-11-19T20:20:47`: what Graph writes in `innerError.date`. */
export function innerErrorDate(now: Date): string {
  return now.toISOString().slice(0, 19);
}
