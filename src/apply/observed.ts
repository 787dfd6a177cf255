import type { Plan, ResourceChange } from "../plan/model.ts";

/**
 * Splits off the changes of observe-only objects (`metadata.mode: observe`): plan reports their
 * drift, apply never writes them. What remains is the plan apply executes.
 */
export function withoutObserved(plan: Plan): {
  readonly plan: Plan;
  readonly observed: readonly ResourceChange[];
} {
  const observed = plan.changes.filter((change) => change.mode === "observe");
  if (observed.length === 0) return { plan, observed };
  return {
    plan: { ...plan, changes: plan.changes.filter((change) => change.mode !== "observe") },
    observed,
  };
}
