import { compareStrings } from "../canonical-json.ts";
import type { Plan } from "../plan/model.ts";
import {
  GITHUB_COMMENT_LIMIT,
  escape as escapeMarkdown,
  renderPlanMarkdown,
} from "../render/plan-markdown.ts";
import { plural, truncate, withoutTenant } from "../render/plan-values.ts";
import { healthMarkdownSection } from "../render/health.ts";
import { mergePlans, readPlanJson } from "./plan-json-reader.ts";
import type { DriftAttribution } from "../plan/attribution.ts";
import { mergeAttributions } from "./attribution-json-reader.ts";

/**
 * The nightly drift report, built from every shard's `plan --format json` output. Drift and
 * failure side by side: a tenant that could not be checked is listed in its own section with the
 * reason, and never hides the drift the other tenants show (the exit code cannot say both: a
 * shard with one broken tenant exits 1 whatever the others hold).
 *
 * - `clean`: every tenant was checked and none drifted: the drift issue may be closed;
 * - `drift`: every tenant was checked and some drifted: open or update the issue;
 * - `incomplete`: some tenant (or a whole shard) could not be checked: update the issue with what
 *   is known (and open it when there is drift), never close it, fail the run.
 *
 * Partner health (`Plan.health`) is reported in its own section and never changes the status:
 * it is not drift. Findings do keep the issue open (`open-or-update` instead of `close`), so
 * that someone sees a terminated partner or a stale heartbeat even when nothing drifted.
 *
 * Pure: the CLI (`intune-gitops drift-report`) reads the files and writes the result.
 */
export interface ShardOutput {
  /** Where it came from, for messages: e.g. `drift/drift-3/plan.json`. */
  readonly name: string;
  /** The file's text; undefined when the file is missing. */
  readonly text: string | undefined;
}

export interface DriftReportOptions {
  /** How many shards the matrix ran: a shard with no output is then reported, not ignored. */
  readonly shards?: number;
  /** A link to the run, shown in the report. */
  readonly runUrl?: string;
  /** Default 65,536 (GitHub's limit for an issue body). */
  readonly maxLength?: number;
}

export type DriftStatus = "clean" | "drift" | "incomplete";

/** What the workflow does with the drift issue. */
export type IssueAction = "close" | "open-or-update" | "update-if-open";

/** Something that could not be checked: a tenant (with a problem) or a whole shard. */
export interface UncheckedEntry {
  readonly tenant?: string;
  readonly shard?: string;
  readonly reasons: readonly string[];
}

export interface DriftReport {
  readonly status: DriftStatus;
  readonly issueAction: IssueAction;
  /** Tenants planned (all shards that produced a plan). */
  readonly checkedTenants: number;
  readonly driftedTenants: readonly string[];
  readonly unchecked: readonly UncheckedEntry[];
  /** Health findings over every shard (never drift). */
  readonly healthFindings: number;
  /** The issue body: GitHub Markdown, at most `maxLength` characters. */
  readonly markdown: string;
}

export const DRIFT_REPORT_MARKER = "<!-- intune-gitops-drift -->";

export function buildDriftReport(
  outputs: readonly ShardOutput[],
  options: DriftReportOptions = {},
): DriftReport {
  const plans: Plan[] = [];
  const attributions: DriftAttribution[] = [];
  const unchecked: UncheckedEntry[] = [];
  const seenShards = new Set<number>();
  for (const output of outputs) {
    if (output.text === undefined) {
      unchecked.push({
        shard: output.name,
        reasons: ["no plan output (the job failed: see its log)"],
      });
      continue;
    }
    const read = readPlanJson(output.text);
    if ("error" in read) {
      unchecked.push({ shard: output.name, reasons: [`no plan: ${read.error}; see the job log`] });
      continue;
    }
    if (read.shard !== undefined) seenShards.add(read.shard.index);
    plans.push(read.plan);
    if (read.attribution !== undefined) attributions.push(read.attribution);
  }
  // Shards whose artifact never arrived at all (the job was cancelled or never started).
  const absent = (options.shards ?? 0) - seenShards.size - unchecked.length;
  if (absent > 0) {
    unchecked.push({
      shard: `${plural(absent, "shard")} of ${options.shards ?? 0}`,
      reasons: ["no output at all (the job did not run or did not finish: see the run's log)"],
    });
  }

  const merged = mergePlans(plans);
  const reasonsByTenant = new Map<string, string[]>();
  for (const problem of merged.problems) {
    const reasons = reasonsByTenant.get(problem.tenant) ?? [];
    const reason =
      problem.address === undefined ? problem.summary : `${problem.address}: ${problem.summary}`;
    if (!reasons.includes(reason)) reasons.push(reason);
    reasonsByTenant.set(problem.tenant, reasons);
  }
  const tenantEntries = [...reasonsByTenant.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([tenant, reasons]): UncheckedEntry => ({ tenant, reasons }));
  const allUnchecked = [...unchecked, ...tenantEntries];
  const driftedTenants = [...new Set(merged.changes.map((change) => change.tenant))].sort(
    compareStrings,
  );

  const status: DriftStatus =
    allUnchecked.length > 0 ? "incomplete" : driftedTenants.length > 0 ? "drift" : "clean";
  const healthFindings = merged.health?.length ?? 0;
  const issueAction: IssueAction =
    driftedTenants.length > 0 || (status === "clean" && healthFindings > 0)
      ? "open-or-update"
      : status === "clean"
        ? "close"
        : "update-if-open";
  return {
    status,
    issueAction,
    checkedTenants: merged.tenants.length,
    driftedTenants,
    unchecked: allUnchecked,
    healthFindings,
    markdown: renderDriftMarkdown(
      merged,
      allUnchecked,
      driftedTenants,
      mergeAttributions(attributions),
      options,
    ),
  };
}

function renderDriftMarkdown(
  plan: Plan,
  unchecked: readonly UncheckedEntry[],
  driftedTenants: readonly string[],
  attribution: DriftAttribution | undefined,
  options: DriftReportOptions,
): string {
  const limit = options.maxLength ?? GITHUB_COMMENT_LIMIT;
  const run = options.runUrl === undefined ? "" : ` by [the nightly run](${options.runUrl})`;
  const findings = plan.health ?? [];
  const healthCount = findings.length === 0 ? "" : `, ${plural(findings.length, "health finding")}`;
  const headline =
    unchecked.length === 0 && driftedTenants.length === 0
      ? `### intune-gitops drift: none${healthCount}\n\nAll ${plural(plan.tenants.length, "tenant")} were checked${run} and match the configuration.\n`
      : `### intune-gitops drift: ${plural(driftedTenants.length, "tenant")} drifted, ${plural(unchecked.length, unchecked.length === 1 ? "tenant or shard" : "tenants or shards", "tenants or shards")} could not be checked${healthCount}\n\n${plural(plan.tenants.length, "tenant")} checked${run}.\n`;
  const parts = [`${DRIFT_REPORT_MARKER}\n${headline}\n`];
  let size = parts[0]!.length;

  if (unchecked.length > 0) {
    const section = uncheckedSection(unchecked, Math.floor((limit - size) / 2));
    parts.push(section);
    size += section.length;
  }
  if (findings.length > 0) {
    // Health is news but not drift: it may take a quarter of what is left when drift follows.
    const room = limit - size;
    const section = healthMarkdownSection(
      findings,
      plan.changes.length > 0 ? Math.floor(room / 4) : room - 200,
    );
    parts.push(section);
    size += section.length;
  }
  if (plan.changes.length > 0) {
    const heading = `#### Drifted: ${plural(driftedTenants.length, "tenant")}\n\nEach property with its live and desired value; apply the configuration or change it to match.\n\n`;
    parts.push(heading);
    size += heading.length;
    // The plan without its problems and health: those are the sections above.
    // With who last changed each drifted property, when the shards read the audit log.
    const { health: _shown, ...drift } = plan;
    parts.push(
      renderPlanMarkdown(
        { ...drift, problems: [] },
        { maxLength: limit - size, ...(attribution === undefined ? {} : { attribution }) },
      ),
    );
  }
  return parts.join("");
}

/**
 * One item per shard and per cause: tenants whose reasons are the same once their own names and
 * ids are set aside (one app's consent revoked everywhere) are one item naming them, so 400
 * broken tenants are not 400 items. Cut at an item boundary with a line saying how many are left.
 */
function uncheckedSection(entries: readonly UncheckedEntry[], budget: number): string {
  const heading = `#### Could not be checked: ${plural(entries.length, "tenant or shard", "tenants or shards")}\n\nThese may have drifted too: fix what stopped them from being checked.\n\n`;
  const groups = new Map<string, { entry: UncheckedEntry; subjects: string[] }>();
  for (const entry of entries) {
    const subject = entry.tenant !== undefined ? entry.tenant : `shard ${entry.shard ?? "?"}`;
    const key =
      entry.tenant === undefined
        ? `shard\u0000${subject}`
        : JSON.stringify(entry.reasons.map((reason) => withoutTenant(reason, subject)));
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { entry, subjects: [subject] });
    else group.subjects.push(subject);
  }
  const items: string[] = [];
  let size = heading.length + 200;
  let listed = 0;
  for (const { entry, subjects } of groups.values()) {
    const reasons = entry.reasons.map((reason) => escapeMarkdown(truncate(reason, 1_000)));
    const item =
      subjects.length === 1
        ? `- ❌ **${escapeMarkdown(truncate(entry.tenant !== undefined ? `tenant ${entry.tenant}` : (subjects[0] ?? ""), 200))}**: ${reasons.join("<br>")}\n`
        : `- ❌ **${plural(subjects.length, "tenant")}**, one cause (shown for the first): ${reasons.join("<br>")}<br>Tenants: ${namesOf(subjects)}\n`;
    if (size + item.length > budget) break;
    items.push(item);
    size += item.length;
    listed += subjects.length;
  }
  const left = entries.length - listed;
  const more =
    left > 0
      ? `- … ${plural(left, "more")}: see the JSON output of each shard in the run's artifacts.\n`
      : "";
  return `${heading}${items.join("")}${more}\n`;
}

/** Up to 200 names, then a count of the rest. */
function namesOf(tenants: readonly string[]): string {
  const shown = tenants.slice(0, 200).map((tenant) => escapeMarkdown(truncate(tenant, 100)));
  const more = tenants.length > 200 ? `, … ${tenants.length - 200} more` : "";
  return `${shown.join(", ")}${more}`;
}
