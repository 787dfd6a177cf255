import type { JsonValue } from "../json.ts";
import type { Plan, PlanProblem, PropertyChange, ResourceChange } from "../plan/model.ts";
import {
  acceptedText,
  assignmentDiff,
  assignmentText,
  plural,
  shortAddress,
  shortId,
  summarisePlan,
  isClean,
  summaryCounts,
  targetChangeText,
  truncate,
  valueText,
  type PlanSummary,
  type TenantSummary,
} from "./plan-values.ts";
import { sanitizeText } from "./style.ts";

/**
 * The plan as GitHub Markdown, for a pull-request comment and `$GITHUB_STEP_SUMMARY`:
 * a hidden marker (`PLAN_MARKDOWN_MARKER`, so a workflow can find and update its comment), a
 * heading with the summary line, a table per tenant, the problems with what to do, and one
 * collapsible `<details>` per changed object with a `property | live | desired` table (which is
 * also the drift report).
 *
 * Never longer than `maxLength` (GitHub's 65,536-character comment limit by default): when the
 * whole plan does not fit, details are dropped progressively (full tables, then one line per
 * object, then a count) and the text says so. Every value from the plan is escaped: it can
 * neither break the table nor become a link, a mention, an emoji or HTML.
 */
export interface PlanMarkdownOptions {
  /** Default 65,536 (GitHub's limit for a comment body). */
  readonly maxLength?: number;
}

export const PLAN_MARKDOWN_MARKER = "<!-- intune-gitops-plan -->";
export const GITHUB_COMMENT_LIMIT = 65_536;

const MAX_CELL = 300;
/** A target's text is bounded by its few members: never cut short of a difference. */
const MAX_TARGET_CELL = 2_000;
const MAX_TARGETS_PER_CELL = 20;
const MAX_CANDIDATES = 10;
const MAX_PROPERTIES_PER_LINE = 20;
/** Room kept for the "… N more" notes. */
const NOTE_RESERVE = 600;
const MORE = "run plan locally or see the JSON artifact";

export function renderPlanMarkdown(plan: Plan, options: PlanMarkdownOptions = {}): string {
  const limit = Math.max(options.maxLength ?? GITHUB_COMMENT_LIMIT, 1_000);
  const summary = summarisePlan(plan);
  const out = new Output(limit - NOTE_RESERVE);

  out.push(
    isClean(summary)
      ? `${PLAN_MARKDOWN_MARKER}\n### intune-gitops plan: no changes\n\nThe tenants match the configuration.\n\n`
      : `${PLAN_MARKDOWN_MARKER}\n### intune-gitops plan: ${escape(summaryCounts(summary))}\n\n`,
  );
  out.push(tenantTable(summary, Math.floor(limit / 4)));

  if (plan.problems.length > 0) {
    out.push(`#### ${plural(plan.problems.length, "problem")}\n`);
    // Problems first, but they may not take the whole comment when there are changes to show.
    const problemBudget =
      plan.changes.length > 0 ? out.length + Math.floor(out.room / 2) : Number.MAX_SAFE_INTEGER;
    let shown = 0;
    for (const problem of plan.problems) {
      const text = problemItem(problem);
      if (out.length + text.length > problemBudget || !out.fits(text)) break;
      out.push(text);
      shown += 1;
    }
    if (shown < plan.problems.length) {
      out.pushNote(`\n… ${plural(plan.problems.length - shown, "more problem")}: ${MORE}.\n`);
    }
    out.push("\n");
  }

  if (plan.changes.length > 0) {
    out.push(`#### ${plural(plan.changes.length, "object")} to change\n`);
    // Every object listed beats some objects in full: an object gets its table only if the
    // one-line form of all the objects after it still fits.
    const compact = plan.changes.map(changeLine);
    const compactAfter: number[] = new Array<number>(compact.length).fill(0);
    for (let index = compact.length - 2; index >= 0; index -= 1) {
      compactAfter[index] = compactAfter[index + 1]! + compact[index + 1]!.length;
    }
    let shown = 0;
    for (const [index, change] of plan.changes.entries()) {
      const full = changeDetails(change);
      const line = compact[index]!;
      if (out.length + full.length + compactAfter[index]! <= out.budgetTotal) {
        out.push(full);
      } else if (out.fits(line)) {
        out.push(line);
        out.compacted = true;
      } else {
        break;
      }
      shown += 1;
    }
    if (shown < plan.changes.length) {
      out.pushNote(`\n… ${plural(plan.changes.length - shown, "more object")}: ${MORE}.\n`);
    }
    if (out.compacted) {
      out.pushNote(
        `\n_The plan is too long for one comment: some objects are shown without their details; ${MORE}._\n`,
      );
    }
  }
  const acceptances = acceptanceSections(plan);
  if (acceptances !== "") {
    if (out.fits(acceptances)) out.push(acceptances);
    else out.pushNote(`\n… acceptances not shown: ${MORE}.\n`);
  }
  return out.finish(limit);
}

/** Accepted differences, acceptances that no longer hold, and those ending within 14 days. */
function acceptanceSections(plan: Plan): string {
  const parts: string[] = [];
  const warnings = plan.warnings ?? [];
  if (warnings.length > 0) {
    parts.push(
      `\n#### ${plural(warnings.length, "acceptance")} no longer ${warnings.length === 1 ? "holds" : "hold"}\n`,
      ...warnings.map(
        (warning) =>
          `- :warning: <code>${escape(warning.address)}</code>: ${escape(truncate(warning.summary, 1000))}`,
      ),
    );
  }
  const accepted = plan.accepted ?? [];
  if (accepted.length > 0) {
    parts.push(
      `\n#### ${plural(accepted.length, "accepted difference")} (not changed, not drift)\n`,
      "| object | property | live | desired | accepted |",
      "| --- | --- | --- | --- | --- |",
      ...accepted.map(
        (difference) =>
          `| <code>${escape(difference.address)}</code> | ${escape(difference.property)} | ${codeCell(difference.live)} | ${codeCell(difference.desired)} | ${escape(acceptedText(difference))} |`,
      ),
    );
  }
  const expiring = plan.expiringAcceptances ?? [];
  if (expiring.length > 0) {
    parts.push(
      `\n#### ${plural(expiring.length, "acceptance")} ${expiring.length === 1 ? "ends" : "end"} within 14 days\n`,
      ...expiring.map(
        (acceptance) =>
          `- ${escape(acceptance.expires)}: <code>${escape(acceptance.address)}</code> ${escape(acceptance.property)} (owner: ${escape(truncate(acceptance.owner, 200))}, reason: ${escape(truncate(acceptance.reason, 500))})`,
      ),
    );
  }
  return parts.length === 0 ? "" : `${parts.join("\n")}\n`;
}

/** Text built within a budget; notes may use the reserve beyond it. */
class Output {
  private readonly parts: string[] = [];
  private size = 0;
  private readonly budget: number;
  compacted = false;

  constructor(budget: number) {
    this.budget = budget;
  }

  get length(): number {
    return this.size;
  }

  /** The size the text may reach before the notes. */
  get budgetTotal(): number {
    return this.budget;
  }

  get room(): number {
    return Math.max(this.budget - this.size, 0);
  }

  fits(text: string): boolean {
    return this.size + text.length <= this.budget;
  }

  push(text: string): void {
    this.parts.push(text);
    this.size += text.length;
  }

  pushNote(text: string): void {
    this.parts.push(text);
    this.size += text.length;
  }

  finish(limit: number): string {
    const text = this.parts.join("");
    if (text.length <= limit) return text;
    // Only reachable if the notes outgrew the reserve: cut rather than break the limit.
    const note = `\n\n… (cut to fit; ${MORE})\n`;
    return text.slice(0, limit - note.length) + note;
  }
}

function tenantTable(summary: PlanSummary, budget: number): string {
  const header = "| tenant | to change | unchanged | errors |\n| --- | ---: | ---: | ---: |\n";
  const row = (tenant: TenantSummary) =>
    `| ${escape(truncate(tenant.tenant, 100))} | ${tenant.toChange} | ${tenant.unchanged ?? "?"} | ${tenant.errors} |\n`;
  const all = summary.tenants.map(row);
  const totals =
    summary.tenants.length > 1
      ? `| **all ${summary.tenants.length} tenants** | **${summary.toChange}** | **${summary.unchanged}** | **${summary.errors}** |\n`
      : "";
  if (header.length + all.join("").length + totals.length <= budget) {
    return `${header}${all.join("")}${totals}\n`;
  }
  // Too many tenants: the ones with something to say first, the quiet ones as one row.
  const rows: string[] = [];
  let size = header.length + totals.length + 200;
  let omitted = 0;
  for (const tenant of summary.tenants) {
    const text = row(tenant);
    const busy = tenant.toChange > 0 || tenant.errors > 0;
    if (busy && size + text.length <= budget) {
      rows.push(text);
      size += text.length;
    } else {
      omitted += 1;
    }
  }
  const rest = `| … ${plural(omitted, "more tenant")} (shown in the totals) | | | |\n`;
  return `${header}${rows.join("")}${rest}${totals}\n`;
}

function problemItem(problem: PlanProblem): string {
  const subject = problem.address ? `<code>${escape(truncate(problem.address, 200))}</code>: ` : "";
  const where = problem.source
    ? ` (${escape(truncate(`${problem.source.file}:${problem.source.line}:${problem.source.column}`, 300))})`
    : "";
  const mark = problem.code === "would-clear-beta-data" ? "⚠️" : "❌";
  const lines = [`- ${mark} ${subject}${escape(truncate(problem.summary, 1_000))}${where}`];
  const candidates = problem.candidates ?? [];
  if (candidates.length > 0) {
    const shown = candidates.slice(0, MAX_CANDIDATES).map((candidate) => {
      const name =
        candidate.displayName === null ? "(no displayName)" : truncate(candidate.displayName, 100);
      return `${escape(name)} (<code>${escape(truncate(candidate.id, 100))}</code>)`;
    });
    const more =
      candidates.length > MAX_CANDIDATES ? `, … ${candidates.length - MAX_CANDIDATES} more` : "";
    lines.push(`  <br>Live objects: ${shown.join(", ")}${more}`);
  }
  if (problem.detail) lines.push(`  <br>➡️ ${escape(truncate(problem.detail, 1_000))}`);
  return `${lines.join("\n")}\n`;
}

function changeHeading(change: ResourceChange): string {
  const observe = change.mode === "observe" ? ", observe only: never written" : "";
  return `<code>~ ${escape(shortAddress(change))}</code> (tenant ${escape(truncate(change.tenant, 100))}, id <code>${escape(shortId(change.liveId))}</code>, ${escape(change.graphVersion)}${observe})`;
}

function changeDetails(change: ResourceChange): string {
  const rows = change.changes.map((property) => propertyRow(change, property));
  return [
    `<details><summary>${changeHeading(change)}: ${plural(change.changes.length, "property", "properties")}</summary>`,
    "",
    "| property | live | desired |",
    "| --- | --- | --- |",
    ...rows,
    "",
    "</details>",
    "",
    "",
  ].join("\n");
}

/** The summarised form of a change: one list item naming the changed properties. */
function changeLine(change: ResourceChange): string {
  const properties = change.changes
    .slice(0, MAX_PROPERTIES_PER_LINE)
    .map((property) => `<code>${escape(truncate(property.property, 100))}</code>`);
  if (change.changes.length > MAX_PROPERTIES_PER_LINE) {
    properties.push(`… ${change.changes.length - MAX_PROPERTIES_PER_LINE} more`);
  }
  return `- ${changeHeading(change)}: ${properties.join(", ")}\n`;
}

function propertyRow(change: ResourceChange, property: PropertyChange): string {
  const name = `<code>${escape(truncate(property.property, 100))}</code>`;
  const sets = assignmentDiff(change, property);
  if (!sets) {
    return `| ${name} | ${codeCell(property.before)} | ${codeCell(property.after)} |`;
  }
  // Live: what goes away (−) and what stays; desired: what comes (+) and what stays.
  const beforeList = Array.isArray(property.before) ? property.before : [];
  const afterList = Array.isArray(property.after) ? property.after : [];
  const text = (element: JsonValue) => assignmentText(element, MAX_TARGET_CELL);
  const removed = new Set(sets.removed.map(text));
  const added = new Set(sets.added.map(text));
  const changedBefore = new Set(sets.changed.map((change) => text(change.before)));
  const changedAfter = new Set(sets.changed.map((change) => text(change.after)));
  const live = targetCell(beforeList, (line) =>
    removed.has(line) ? "− " : changedBefore.has(line) ? "~ " : "",
  );
  const desired = targetCell(afterList, (line) =>
    added.has(line) ? "+ " : changedAfter.has(line) ? "~ " : "",
  );
  const changes = sets.changed.map(
    (change) => `<br>~ <code>${escape(targetChangeText(change))}</code>`,
  );
  return `| ${name} | ${live} | ${desired}${changes.join("")} |`;
}

function targetCell(targets: readonly JsonValue[], mark: (text: string) => string): string {
  if (targets.length === 0) return "<i>none</i>";
  const texts = targets.slice(0, MAX_TARGETS_PER_CELL).map((element) => {
    const text = assignmentText(element, MAX_TARGET_CELL);
    return `${mark(text)}<code>${escape(text)}</code>`;
  });
  const more =
    targets.length > MAX_TARGETS_PER_CELL
      ? [`… ${targets.length - MAX_TARGETS_PER_CELL} more`]
      : [];
  return [...texts, ...more].join("<br>");
}

function codeCell(value: JsonValue | undefined): string {
  return `<code>${escape(valueText(value, MAX_CELL))}</code>`;
}

/**
 * Every character that could mean something to GitHub Markdown or HTML inside a line, as a
 * numeric character reference: table pipes, code and emphasis markers, links, HTML, `@mentions`,
 * `#123` references, `:emoji:`, `$math$`, and the `https:` and `www.` of autolinks. Newlines
 * become spaces (a value never starts a line, so list and heading markers are harmless).
 */
function escape(text: string): string {
  // Control and bidi characters (from Graph's text) shown as \uXXXX, as in the text renderer.
  return sanitizeText(text.replace(/\r\n|\r|\n/g, " "))
    .replace(/[&<>|\\`*_[\]~@#:$]/g, (char) => `&#${char.charCodeAt(0)};`)
    .replace(/(www)\./gi, "$1&#46;");
}
