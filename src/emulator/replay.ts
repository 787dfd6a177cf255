import { capturedAnswerKey, type CapturedAnswer, type GraphCapture } from "../graph-capture.ts";
import { isJsonObject, type JsonValue } from "../json.ts";
import { GRAPH_JSON, jsonResponse, type EmulatorResponse } from "./http.ts";

/**
 * Serving a capture again (`doctor --capture`, see `src/graph-capture.ts`): a Graph GET from the
 * captured tenant whose path and query options match a captured request gets the captured answer,
 * status and body, with the captured service's links pointing at this emulator. Every other
 * request is served as usual. Authentication is the emulator's own: a request is replayed only
 * after its token was accepted, so a replay still exercises sign-in.
 */
export class CaptureReplay {
  readonly capture: GraphCapture;
  readonly #answers = new Map<string, CapturedAnswer>();

  constructor(capture: GraphCapture) {
    this.capture = capture;
    // The last answer to a request wins, as in the service it came from.
    for (const answer of capture.answers) {
      this.#answers.set(capturedAnswerKey(answer.method, answer.path, answer.query), answer);
    }
  }

  /** The captured answer for this request, or undefined to serve it as usual. */
  answer(
    tenantId: string,
    method: string,
    path: string,
    query: URLSearchParams,
    baseUrl: string,
  ): EmulatorResponse | undefined {
    if (tenantId.toLowerCase() !== this.capture.tenant.tenant_id.toLowerCase()) return undefined;
    const found = this.#answers.get(capturedAnswerKey(method, path, Object.fromEntries(query)));
    if (found === undefined) return undefined;
    const body = relinked(found.body, this.capture.graph_url.replace(/\/+$/, ""), baseUrl);
    return jsonResponse(found.status, body, {}, GRAPH_JSON);
  }
}

/** Every string that starts with the captured Graph root, pointed at this emulator instead. */
function relinked(value: JsonValue, from: string, to: string): JsonValue {
  if (typeof value === "string")
    return from !== "" && value.startsWith(from) ? `${to}${value.slice(from.length)}` : value;
  if (Array.isArray(value)) return value.map((item) => relinked(item, from, to));
  if (!isJsonObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, relinked(item, from, to)]),
  );
}
