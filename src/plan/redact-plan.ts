import { joinedPieces, jsonPieces } from "../json-pieces.ts";
import { holdsSecret, redactJson } from "../redact.ts";
import type { Plan } from "./model.ts";
import { PlanSchema } from "./plan-schema.ts";
import { savedPlanJson } from "./saved-plan-json.ts";

/**
 * The plan with every secret and token cut out of its values (live values a server echoed a
 * credential into, candidates' display names, messages), for showing. Renderers escape and
 * truncate values, after which the output filter could no longer recognise a secret, so the
 * plan is cleaned before it is rendered. The plan that is applied is never this one: its patch
 * must carry the declared values exactly.
 */
export function redactPlan(plan: Plan): Plan {
  // The common case costs one scan and no copy: of the plan's JSON text in pieces (cut between
  // values, never inside one), not as one string of megabytes at fleet scale.
  if (!holdsSecretInJson(plan)) return plan;
  // Through the saved plan's JSON and back: the same checks as a plan read from a file.
  return PlanSchema.parse(redactJson(savedPlanJson(plan)));
}

/** Whether `JSON.stringify(value)` holds a secret, read in pieces. */
function holdsSecretInJson(value: unknown): boolean {
  for (const piece of joinedPieces(jsonPieces(value), 32 * 1024))
    if (holdsSecret(piece)) return true;
  return false;
}
