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
  // The common case costs one scan and no copy.
  if (!holdsSecret(JSON.stringify(plan))) return plan;
  // Through the saved plan's JSON and back: the same checks as a plan read from a file.
  return PlanSchema.parse(redactJson(savedPlanJson(plan)));
}
