import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError } from "../../errors.ts";
import { buildFleetReport } from "../../report/fleet-report.ts";
import {
  renderFleetJson,
  renderFleetMarkdown,
  renderFleetText,
} from "../../report/fleet-report-render.ts";
import { mergePlans, readPlanJson } from "../../report/plan-json-reader.ts";
import type { Plan } from "../../plan/model.ts";
import type { Command } from "../command.ts";

const HELP = `Usage: intune-gitops report [options] FILE...

The fleet view: for each declared object and property, which tenants deviate from the
configuration and with which live values, grouped ('onboardingStatus: 42 of 500 tenants ...
"notOnboarded" in 40 tenants: customer-003, ...'), and the partners' health findings counted by
object, property and kind. Built from the output of 'plan --format json' (one FILE per shard, as
the drift job's artifacts hold them): reads files only, no network, no credentials. One page for
hundreds of tenants: each value lists its first 10 tenants and how many more.

Options:
  -f, --format FORMAT         text (default), markdown (an issue or a job summary) or json
  -h, --help                  Show this help

Examples:
  intune-gitops plan --config intune --format json > plan.json && intune-gitops report plan.json
  intune-gitops report --format markdown drift/drift-*/plan-result.json >> "$GITHUB_STEP_SUMMARY"

JSON (format_version 1): { "tenants", "unchecked_tenants": [...], "objects": [{ "object",
"compared", "deviating", "properties": [{ "property", "desired": [...], "deviating", "values":
[{ "value", "count", "tenants": [...] }] }] }], "health": { "findings", "tenants", "groups":
[{ "object", "property", "code", "count", "tenants": [...] }] } }.
Exit codes: 0 the report was built (whatever it says), 1 a FILE is missing or not a plan.
`;

export const command: Command = {
  name: "report",
  help: HELP,
  maxPositionals: Number.MAX_SAFE_INTEGER,
  options: { format: { type: "string", short: "f" } },
  async run({ values, positionals }, context) {
    const format = values.format ?? "text";
    if (format !== "text" && format !== "markdown" && format !== "json") {
      throw new UsageError(`--format ${String(format)}: expected text, markdown or json`);
    }
    if (positionals.length === 0) {
      throw new UsageError(
        "report: name the 'plan --format json' output (one file per shard), e.g. intune-gitops report plan.json",
      );
    }
    const plans: Plan[] = [];
    for (const file of positionals) {
      let text: string;
      try {
        text = await readFile(resolve(context.cwd, file), "utf8");
      } catch {
        throw new UsageError(`report: cannot read ${file}`);
      }
      const read = readPlanJson(text);
      if ("error" in read) throw new UsageError(`report: ${file}: ${read.error}`);
      plans.push(read.plan);
    }
    const report = buildFleetReport(mergePlans(plans));
    context.stdout.write(
      format === "json"
        ? renderFleetJson(report)
        : format === "markdown"
          ? renderFleetMarkdown(report)
          : renderFleetText(report),
    );
    return 0;
  },
};
