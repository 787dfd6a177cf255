import { z } from "../zod.ts";
import { holdsSecret, redactJson } from "../redact.ts";
import type { Plan } from "./model.ts";
import { PlanSchema } from "./plan-schema.ts";

/**
 * The plan with every secret and token cut out of its values (live values a server echoed a
 * credential into, candidates' display names, messages), for showing. Renderers escape and
 * truncate values, after which the output filter could no longer recognise a secret, so the
 * plan is cleaned before it is rendered. The plan that is applied is never this one: its patch
 * must carry the declared values exactly.
 */
export function redactPlan(plan: Plan): Plan {
  const text = JSON.stringify(plan);
  // The common case costs one scan and no copy.
  if (!holdsSecret(text)) return plan;
  return PlanSchema.parse(redactJson(z.json().parse(JSON.parse(text))));
}
