/** How `plan` and `apply` show a plan, and the reading that leads to it. */
import type { ReadProgressEvent } from "../graph/read-live.ts";
import type { Shard } from "../operations/tenant-selection.ts";
import type { Plan } from "../plan/model.ts";
import { sanitizeText } from "../render/style.ts";
import type { CommandContext } from "./command.ts";

export const PLAN_FORMATS = ["text", "markdown", "json"] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export async function renderPlan(
  plan: Plan,
  format: PlanFormat,
  color: boolean,
  shard?: Shard,
): Promise<string> {
  switch (format) {
    case "json":
      return (await import("../render/plan-json.ts")).renderPlanJson(
        plan,
        shard === undefined ? {} : { shard },
      );
    case "markdown":
      return (await import("../render/plan-markdown.ts")).renderPlanMarkdown(plan);
    case "text":
      return (await import("../render/plan-text.ts")).renderPlanText(plan, { color });
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

/** One line per tenant on stderr, so a run over hundreds of tenants is never silent. */
export function progressPrinter(context: CommandContext): (event: ReadProgressEvent) => void {
  const pending = new Map<string, { collections: number; objects: number; done: number }>();
  return (event) => {
    if (event.type === "tenant-start") {
      pending.set(event.tenant, { collections: event.collections, objects: 0, done: 0 });
      return;
    }
    const tenant = pending.get(event.tenant);
    if (event.type === "collection-failed") {
      const what = event.kind === undefined ? "" : ` ${event.kind} (${event.graphVersion})`;
      context.stderr.write(`✗ ${event.tenant}${what}: ${sanitizeText(event.message)}\n`);
      if (tenant !== undefined) tenant.done++;
    } else if (tenant !== undefined) {
      tenant.done++;
      tenant.objects += event.objects;
    }
    if (tenant !== undefined && tenant.done === tenant.collections) {
      pending.delete(event.tenant);
      if (event.type === "collection-done") {
        context.stderr.write(
          `Read ${event.tenant}: ${tenant.collections} collection${tenant.collections === 1 ? "" : "s"}, ${tenant.objects} object${tenant.objects === 1 ? "" : "s"}.\n`,
        );
      }
    }
  };
}
