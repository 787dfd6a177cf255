import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError } from "../../errors.ts";
import { buildDriftReport, type DriftReport, type ShardOutput } from "../../report/drift-report.ts";
import type { Command, CommandContext } from "../command.ts";

const HELP = `Usage: intune-gitops drift-report [options] FILE...

Builds the nightly drift report from the output of 'plan --format json' (one FILE per shard of
the drift job's matrix). Drift and failure side by side: it lists every drifted property with its
live and desired value and, in its own section, every tenant that could not be checked and why
(a broken sign-in in one tenant never hides the drift of the others). Reads files only: no
network, no credentials.

Status (in --format json): clean (every tenant checked, none drifted: close the drift issue),
drift (every tenant checked, some drifted: open or update it) or incomplete (a tenant or a shard
could not be checked: update the issue, never close it, fail the run). Partner health (a
terminated partner, a stale heartbeat, an expiring onboarding) has its own section: it is never
drift, but a clean run with findings keeps the issue open (issue_action open-or-update).

Options:
      --shards N              How many shards the matrix ran: a shard with no output is reported
      --run-url URL           Link the report to the run that made it
  -f, --format FORMAT         markdown (the issue body, default) or json (status, tenants, body)
  -h, --help                  Show this help

Example (the drift workflow's report job):
  intune-gitops drift-report --shards 4 --format json drift-*/plan.json > report.json

JSON (format_version 1): { "format_version", "status", "issue_action": "close" |
"open-or-update" | "update-if-open", "checked_tenants", "drifted_tenants": [...], "unchecked":
[{ "tenant" | null, "shard" | null, "reasons": [...] }], "health_findings", "body" }.
Exit codes: 0 the report was built (whatever it says), 1 usage error.
`;

export const DRIFT_REPORT_JSON_FORMAT_VERSION = 1;

export const command: Command = {
  name: "drift-report",
  help: HELP,
  maxPositionals: Number.MAX_SAFE_INTEGER,
  options: {
    shards: { type: "string" },
    "run-url": { type: "string" },
    format: { type: "string", short: "f" },
  },
  async run({ values, positionals }, context) {
    const format = values.format ?? "markdown";
    if (format !== "markdown" && format !== "json") {
      throw new UsageError(`--format ${String(format)}: expected markdown or json`);
    }
    if (positionals.length === 0) {
      throw new UsageError("drift-report: name the 'plan --format json' output of each shard");
    }
    const shards = typeof values.shards === "string" ? Number(values.shards) : undefined;
    if (shards !== undefined && !(Number.isInteger(shards) && shards >= 1)) {
      throw new UsageError(`--shards ${String(values.shards)}: expected a whole number >= 1`);
    }
    const outputs = await Promise.all(positionals.map((file) => readOutput(file, context)));
    const report = buildDriftReport(outputs, {
      ...(shards === undefined ? {} : { shards }),
      ...(typeof values["run-url"] === "string" ? { runUrl: values["run-url"] } : {}),
    });
    context.stdout.write(format === "json" ? reportJson(report) : report.markdown);
    return 0;
  },
};

/** A missing or unreadable file is a shard without output, reported as such, not a crash. */
async function readOutput(file: string, context: CommandContext): Promise<ShardOutput> {
  try {
    return { name: file, text: await readFile(resolve(context.cwd, file), "utf8") };
  } catch {
    return { name: file, text: undefined };
  }
}

function reportJson(report: DriftReport): string {
  return `${JSON.stringify(
    {
      format_version: DRIFT_REPORT_JSON_FORMAT_VERSION,
      status: report.status,
      issue_action: report.issueAction,
      checked_tenants: report.checkedTenants,
      drifted_tenants: report.driftedTenants,
      unchecked: report.unchecked.map((entry) => ({
        tenant: entry.tenant ?? null,
        shard: entry.shard ?? null,
        reasons: entry.reasons,
      })),
      health_findings: report.healthFindings,
      body: report.markdown,
    },
    null,
    2,
  )}\n`;
}
