import { UsageError } from "../../errors.ts";
import type { Command } from "../command.ts";
import { PLAN_FORMATS, renderPlan } from "../plan-output.ts";
import { originLine, readSavedPlan } from "../saved-plan.ts";
import { OUTPUT_OPTIONS, SHARED_OPTIONS_HELP as H, formatOf, useColor } from "../shared-options.ts";

const HELP = `Usage: intune-gitops show PLANFILE [--format text|markdown|json]

Prints a plan saved by 'plan --out' in any of plan's formats, without reading a tenant or the
configuration: one plan run can give a pull-request comment (markdown), a log (text) and counts
for scripts (json). The file is checked first (format, version, checksum), as apply checks it.
Who last changed each drifted property (plan's attribution) is not in a saved plan: it is shown
by plan itself, not here.

Options:
${H.format("text, markdown (PR comments, job summaries) or json (machines)")}
${H.noColor}
  -h, --help                  Show this help

Examples:
  intune-gitops plan --config intune --out plan.json
  intune-gitops show plan.json --format markdown > plan.md
  intune-gitops show plan.json --format json | jq .summary

Exit codes: 0 shown, 1 the file is not a plan this version can read.
`;

export const command: Command = {
  name: "show",
  help: HELP,
  maxPositionals: 1,
  options: { ...OUTPUT_OPTIONS },
  async run({ values, positionals }, context) {
    const format = formatOf(values, PLAN_FORMATS);
    const path = positionals[0];
    if (path === undefined) {
      throw new UsageError("show needs the plan file: intune-gitops show PLANFILE");
    }
    const { plan, origin } = await readSavedPlan(path, context);
    // On stderr: stdout stays the plan alone (a JSON or Markdown document).
    context.stderr.write(`${originLine(origin)}\n`);
    context.stdout.write(await renderPlan(plan, format, useColor(values, context)));
    return 0;
  },
};
