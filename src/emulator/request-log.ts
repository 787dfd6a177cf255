import type { Fault } from "./faults.ts";

/** Which part of the emulator a request reached. */
export type RequestKind = "token" | "graph" | "discovery" | "admin";

/**
 * One request the emulator received, recorded when it arrived and completed when it was answered.
 *
 * Never holds a credential: no header is kept but `client-request-id`, and a token request's body
 * is reduced to its non-secret fields (never `client_secret` nor `client_assertion`).
 */
export interface RequestLogEntry {
  /** 1, 2, 3... in arrival order; restarts at 1 after a reset. */
  readonly seq: number;
  /** `performance.now()` when the request arrived: for tests of how fast a client sends. */
  readonly receivedAtMs: number;
  readonly kind: RequestKind;
  readonly method: string;
  /** The URL path, without the query. */
  readonly path: string;
  /** The query parameters (the last value of a repeated one). */
  readonly query: Readonly<Record<string, string>>;
  /** The response status; 0 while unanswered and for `reset` and `hang` faults. */
  status: number;
  /** The tenant GUID, when known (from the token path or the access token). */
  tenant?: string;
  readonly clientRequestId?: string;
  readonly requestId: string;
  /** The parsed JSON body of a Graph write, or a token request's non-secret form fields. */
  body?: unknown;
  /** The injected fault, if any. */
  fault?: Fault;
  /** Answered from a capture (`--replay`), not from the emulator's own objects. */
  replayed?: true;
}

/** The form fields of a token request that are safe to keep. */
const SAFE_TOKEN_FIELDS = ["grant_type", "client_id", "scope", "client_assertion_type"];

export function safeTokenForm(form: URLSearchParams): Record<string, string> {
  const safe: Record<string, string> = {};
  for (const field of SAFE_TOKEN_FIELDS) {
    const value = form.get(field);
    if (value !== null) safe[field] = value;
  }
  return safe;
}

/** The log itself. `entries` is live: the same array for the emulator's whole life. */
export class RequestLog {
  readonly entries: RequestLogEntry[] = [];
  #nextSeq = 1;

  record(entry: Omit<RequestLogEntry, "seq" | "status" | "receivedAtMs">): RequestLogEntry {
    const recorded: RequestLogEntry = {
      seq: this.#nextSeq++,
      receivedAtMs: performance.now(),
      status: 0,
      ...entry,
    };
    this.entries.push(recorded);
    return recorded;
  }

  clear(): void {
    this.entries.length = 0;
    this.#nextSeq = 1;
  }
}
