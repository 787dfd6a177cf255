/**
 * Turning the doctor's answers into a capture (see `src/graph-capture.ts`): every body through
 * the secret filter (registered secrets and tokens, and anything shaped like one), and the
 * personal data of audit events (who, from which address) replaced; ids are kept, since they are
 * what a replay matches on.
 */
import type { CapturedAnswer } from "../graph-capture.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import { redactJson } from "../redact.ts";
import type { Answer } from "./collection-checks.ts";

export const PERSONAL_DATA_REMOVED = "[personal data removed]";

/** Properties of an audit event's `actor` that name or locate a person. */
const PERSONAL_ACTOR_PROPERTIES = ["userPrincipalName", "ipAddress"];

export function capturedAnswer(
  path: string,
  query: Readonly<Record<string, string>>,
  answer: Answer,
): CapturedAnswer {
  const body: JsonObject = answer.ok
    ? answer.body
    : {
        error: {
          code: answer.failure.code ?? "UnknownError",
          message: answer.failure.message,
        },
      };
  const cleaned = redactJson(withoutPersonalData(body));
  return {
    method: "GET",
    path,
    query,
    // No answer at all (network) is recorded as a gateway timeout: a replay must answer something.
    status: answer.ok ? 200 : (answer.failure.status ?? 504),
    body: isJsonObject(cleaned) ? cleaned : {},
  };
}

/** The body with every audit event's actor stripped of a person's name and address. */
function withoutPersonalData(body: JsonObject): JsonObject {
  const value = body["value"];
  if (!Array.isArray(value)) return body;
  return { ...body, value: value.map(scrubEvent) };
}

function scrubEvent(event: JsonValue): JsonValue {
  if (!isJsonObject(event)) return event;
  const actor = event["actor"];
  if (!isJsonObject(actor)) return event;
  const scrubbed: JsonObject = { ...actor };
  for (const name of PERSONAL_ACTOR_PROPERTIES) {
    if (typeof scrubbed[name] === "string" && scrubbed[name] !== "")
      scrubbed[name] = PERSONAL_DATA_REMOVED;
  }
  return { ...event, actor: scrubbed };
}
