/** How `plan` and `apply` show a plan, and the reading that leads to it. */
import type { Shard } from "./tenant-selection.ts";
import type { Plan } from "../plan/model.ts";
import type { DriftAttribution } from "../plan/attribution.ts";

export const PLAN_FORMATS = ["text", "markdown", "json"] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

/** What a plan is shown with besides itself. */
export interface PlanExtras {
  readonly shard?: Shard;
  readonly attribution?: DriftAttribution;
}

export async function renderPlan(
  plan: Plan,
  format: PlanFormat,
  color: boolean,
  extras: PlanExtras = {},
): Promise<string> {
  const { shard, attribution } = extras;
  const withAttribution = attribution === undefined ? {} : { attribution };
  switch (format) {
    case "json":
      return (await import("../render/plan-json.ts")).renderPlanJson(plan, {
        ...(shard === undefined ? {} : { shard }),
        ...withAttribution,
      });
    case "markdown":
      return (await import("../render/plan-markdown.ts")).renderPlanMarkdown(plan, withAttribution);
    case "text":
      return (await import("../render/plan-text.ts")).renderPlanText(plan, {
        color,
        ...withAttribution,
      });
  }
}

/**
 * Problem locations as the user opens them: relative to the current folder, as `validate` shows
 * them. Only for display; a saved plan keeps paths relative to the configuration folder.
 */
export function withPathPrefix(plan: Plan, prefix: string): Plan {
  if (prefix === "") return plan;
  return {
    ...plan,
    problems: plan.problems.map((problem) =>
      problem.source === undefined
        ? problem
        : { ...problem, source: { ...problem.source, file: prefix + problem.source.file } },
    ),
  };
}
