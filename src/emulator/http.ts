/**
 * A response as data: handlers return one, `server.ts` writes it. Keeping handlers free of the
 * socket makes them easy to read and lets the server add the headers every response carries.
 */
export interface EmulatorResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as is; absent for 204. */
  readonly body?: string;
}

/** The identifiers of one request, as Graph and Entra ID report them. */
export interface RequestIds {
  /** Generated per request: the `request-id` header (Graph) and `trace_id` (Entra ID). */
  readonly requestId: string;
  /** The client's `client-request-id` header, or `requestId` when it sent none. */
  readonly clientRequestId: string;
}

/** What Graph sends as the Content-Type of its JSON responses. */
export const GRAPH_JSON =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
export const PLAIN_JSON = "application/json; charset=utf-8";

export function jsonResponse(
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {},
  contentType = PLAIN_JSON,
): EmulatorResponse {
  return {
    status,
    headers: { "content-type": contentType, ...headers },
    body: JSON.stringify(value),
  };
}
