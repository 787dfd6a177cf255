import type { JsonValue } from "../json.ts";
import type { Plan, PlanProblem, PropertyChange, ResourceChange } from "../plan/model.ts";
import {
  acceptedText,
  assignmentText,
  groupSharedProblems,
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
import { canonicalJson } from "../canonical-json.ts";
import { sanitizeText } from "./style.ts";
import type { DriftAttribution } from "../plan/attribution.ts";
import { attributionGapLines, attributionText } from "./attribution-text.ts";
import { healthMarkdownSection } from "./health.ts";

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
  /** Who last changed the drifted properties: a section after the changes. */
  readonly attribution?: DriftAttribution;
}

export const PLAN_MARKDOWN_MARKER = "<!-- intune-gitops-plan -->";
export const GITHUB_COMMENT_LIMIT = 65_536;

const MAX_CELL = 300;
/** A target's text is bounded by its few members: never cut short of a difference. */
const MAX_TARGET_CELL = 2_000;
const MAX_TARGETS_PER_CELL = 20;
const MAX_CANDIDATES = 10;
const MAX_PROPERTIES_PER_LINE = 20;
/** Tenants named in a grouped block before "… N more". */
const MAX_TENANTS_PER_BLOCK = 200;
/** Up to this many blocks, a plan is shown open; beyond, each block is collapsed. */
const INLINE_BLOCKS = 5;
/** Up to this many tenants, the summary table has a row per tenant. */
const TENANT_ROWS = 10;
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
    // One cause shared by many tenants is one item: 400 broken tenants are not 400 items.
    const groups = groupSharedProblems(plan.problems);
    const causes =
      groups.length < plan.problems.length ? `, ${plural(groups.length, "cause")}` : "";
    out.push(`#### ${plural(plan.problems.length, "problem")}${causes}\n`);
    // Problems first, but they may not take the whole comment when there are changes to show.
    const problemBudget =
      plan.changes.length > 0 ? out.length + Math.floor(out.room / 2) : Number.MAX_SAFE_INTEGER;
    let shown = 0;
    for (const group of groups) {
      const text = problemItem(group.problem, group.tenants);
      if (out.length + text.length > problemBudget || !out.fits(text)) break;
      out.push(text);
      shown += group.tenants.length;
    }
    if (shown < plan.problems.length) {
      out.pushNote(`\n… ${plural(plan.problems.length - shown, "more problem")}: ${MORE}.\n`);
    }
    out.push("\n");
  }

  // Health before the changes, but it may not take the whole comment when there are changes.
  const health = healthMarkdownSection(
    plan.health ?? [],
    plan.changes.length > 0 ? Math.floor(out.room / 4) : out.room,
  );
  if (health !== "") out.push(health);

  if (plan.changes.length > 0) {
    const blocks = groupIdenticalChanges(plan.changes);
    const inBlocks =
      blocks.length < plan.changes.length ? `, in ${plural(blocks.length, "block")}` : "";
    out.push(`#### ${plural(plan.changes.length, "object")} to change${inBlocks}\n`);
    // A short plan is read at a glance: shown open. A long one folds each block away.
    const collapse = blocks.length > INLINE_BLOCKS;
    // Every block listed beats some blocks in full: a block gets its table only if the
    // one-line form of all the blocks after it still fits.
    const compact = blocks.map(blockLine);
    const compactAfter: number[] = new Array<number>(compact.length).fill(0);
    for (let index = compact.length - 2; index >= 0; index -= 1) {
      compactAfter[index] = compactAfter[index + 1]! + compact[index + 1]!.length;
    }
    let shown = 0;
    let objectsShown = 0;
    for (const [index, block] of blocks.entries()) {
      const full = blockDetails(block, collapse);
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
      objectsShown += block.changes.length;
    }
    if (shown < blocks.length) {
      out.pushNote(`\n… ${plural(plan.changes.length - objectsShown, "more object")}: ${MORE}.\n`);
    }
    if (out.compacted) {
      out.pushNote(
        `\n_The plan is too long for one comment: some objects are shown without their details; ${MORE}._\n`,
      );
    }
  }
  const attribution = attributionSection(options.attribution, out.room);
  if (attribution !== "") {
    if (out.fits(attribution)) out.push(attribution);
    else out.pushNote(`\n… who changed the drifted properties not shown: ${MORE}.\n`);
  }
  const acceptances = acceptanceSections(plan);
  if (acceptances !== "") {
    if (out.fits(acceptances)) out.push(acceptances);
    else out.pushNote(`\n… acceptances not shown: ${MORE}.\n`);
  }
  return out.finish(limit);
}

/** Attributions listed before "… N more" (a fleet-wide drift is one block, not 500 lines). */
const MAX_ATTRIBUTIONS = 50;

/**
 * Who last changed each drifted property (Intune's audit log), one item per property, and a
 * line per cause where it could not be told. Empty without attribution.
 */
function attributionSection(attribution: DriftAttribution | undefined, room: number): string {
  if (attribution === undefined) return "";
  const gaps = attributionGapLines(attribution).map((line) => `> ⚠️ ${escape(line)}\n`);
  if (attribution.properties.length === 0 && gaps.length === 0) return "";
  const parts = [
    `#### Last change of each drifted property (Intune audit log, last ${plural(attribution.windowDays, "day")})\n\n`,
  ];
  let size = parts[0]?.length ?? 0;
  let shown = 0;
  for (const entry of attribution.properties.slice(0, MAX_ATTRIBUTIONS)) {
    const item = `- <code>${escape(truncate(entry.address, 300))}</code> <code>${escape(truncate(entry.property, 100))}</code>: ${escape(attributionText(entry, attribution.windowDays, MAX_CELL))}\n`;
    if (size + item.length > room / 2) break;
    parts.push(item);
    size += item.length;
    shown += 1;
  }
  if (shown < attribution.properties.length) {
    parts.push(
      `- … ${plural(attribution.properties.length - shown, "more property", "more properties")}: ${MORE}.\n`,
    );
  }
  return `${parts.join("")}${gaps.length > 0 ? `\n${gaps.join("")}` : ""}\n`;
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
  if (
    summary.tenants.length <= TENANT_ROWS &&
    header.length + all.join("").length + totals.length <= budget
  ) {
    return `${header}${all.join("")}${totals}\n`;
  }
  if (summary.tenants.length > TENANT_ROWS) {
    // A fleet: a row per tenant would repeat the blocks below. Tenants with errors keep their
    // own row (each needs a look); the others are counted in two rows.
    const failing = summary.tenants.filter((tenant) => tenant.errors > 0);
    const changing = summary.tenants.filter((tenant) => tenant.errors === 0 && tenant.toChange > 0);
    const quiet = summary.tenants.filter((tenant) => tenant.errors === 0 && tenant.toChange === 0);
    const sum = (tenants: readonly TenantSummary[], count: (tenant: TenantSummary) => number) =>
      tenants.reduce((total, tenant) => total + count(tenant), 0);
    const unchanged = (tenant: TenantSummary) => tenant.unchanged ?? 0;
    const rows: string[] = [];
    let size = header.length + totals.length + 400;
    let omitted = 0;
    for (const tenant of failing) {
      const text = row(tenant);
      if (size + text.length > budget) omitted += 1;
      else {
        rows.push(text);
        size += text.length;
      }
    }
    if (omitted > 0)
      rows.push(`| … ${plural(omitted, "more tenant")} with errors (in the totals) | | | |\n`);
    if (changing.length > 0) {
      rows.push(
        `| ${plural(changing.length, "tenant")} with changes | ${sum(changing, (t) => t.toChange)} | ${sum(changing, unchanged)} | 0 |\n`,
      );
    }
    if (quiet.length > 0) {
      rows.push(
        `| ${plural(quiet.length, "tenant")} without changes | 0 | ${sum(quiet, unchanged)} | 0 |\n`,
      );
    }
    return `${header}${rows.join("")}${totals}\n`;
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

function problemItem(problem: PlanProblem, tenants: readonly string[]): string {
  const subject = problem.address ? `<code>${escape(truncate(problem.address, 200))}</code>: ` : "";
  const shared =
    tenants.length > 1
      ? `**${plural(tenants.length, "tenant")}**, one cause (shown for the first): `
      : "";
  const where = problem.source
    ? ` (${escape(truncate(`${problem.source.file}:${problem.source.line}:${problem.source.column}`, 300))})`
    : "";
  const mark = problem.code === "would-clear-beta-data" ? "⚠️" : "❌";
  const lines = [
    `- ${mark} ${shared}${subject}${escape(truncate(problem.summary, 1_000))}${where}`,
  ];
  if (tenants.length > 1) lines.push(`  <br>${tenantList(tenants)}`);
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

/**
 * One change, or the same change in several tenants: `first` stands for all of them (their
 * property changes are identical), `changes` lists every tenant's, `first` included.
 */
export interface ChangeBlock {
  readonly first: ResourceChange;
  readonly changes: readonly ResourceChange[];
}

/**
 * Changes that are the same change (same kind, name, Graph version, mode, and the same
 * properties from the same live values to the same desired ones) in several tenants, as one
 * block: a fleet of 400 tenants with one drifted setting reads as one block naming its tenants,
 * not 400. In the order of each block's first change (the plan's order).
 */
export function groupIdenticalChanges(changes: readonly ResourceChange[]): ChangeBlock[] {
  const blocks = new Map<string, { first: ResourceChange; changes: ResourceChange[] }>();
  for (const change of changes) {
    const key = canonicalJson([
      change.graphType,
      change.name,
      change.graphVersion,
      change.mode ?? "manage",
      change.changes.map((property) => [
        property.property,
        property.before ?? null,
        property.after,
      ]),
    ]);
    const block = blocks.get(key);
    if (block === undefined) blocks.set(key, { first: change, changes: [change] });
    else block.changes.push(change);
  }
  return [...blocks.values()];
}

function blockHeading({ first, changes }: ChangeBlock): string {
  const observe = first.mode === "observe" ? ", observe only: never written" : "";
  if (changes.length === 1) {
    return `<code>~ ${escape(shortAddress(first))}</code> (tenant ${escape(truncate(first.tenant, 100))}, id <code>${escape(shortId(first.liveId))}</code>, ${escape(first.graphVersion)}${observe})`;
  }
  return `<code>~ ${escape(shortAddress(first))}</code> in ${plural(changes.length, "tenant")} (${escape(first.graphVersion)}${observe})`;
}

/** The tenants of a grouped block. */
function blockTenants({ changes }: ChangeBlock): string {
  return tenantList(changes.map((change) => change.tenant));
}

/** `Tenants: a, b, … 12 more`: cut at a whole name with a count of the rest. */
function tenantList(tenants: readonly string[]): string {
  const names = tenants
    .slice(0, MAX_TENANTS_PER_BLOCK)
    .map((tenant) => escape(truncate(tenant, 100)));
  const more =
    tenants.length > MAX_TENANTS_PER_BLOCK
      ? `, … ${tenants.length - MAX_TENANTS_PER_BLOCK} more`
      : "";
  return `Tenants: ${names.join(", ")}${more}`;
}

function blockDetails(block: ChangeBlock, collapse: boolean): string {
  const { first } = block;
  const rows = first.changes.map((property) => propertyRow(first, property));
  const title = `${blockHeading(block)}: ${plural(first.changes.length, "property", "properties")}`;
  const tenants = block.changes.length > 1 ? [blockTenants(block), ""] : [];
  const table = ["| property | live | desired |", "| --- | --- | --- |", ...rows, ""];
  if (!collapse) return [title, "", ...tenants, ...table, "", ""].join("\n");
  return [
    `<details><summary>${title}</summary>`,
    "",
    ...tenants,
    ...table,
    "</details>",
    "",
    "",
  ].join("\n");
}

/** The summarised form of a block: one list item naming the changed properties. */
function blockLine(block: ChangeBlock): string {
  const { first } = block;
  const properties = first.changes
    .slice(0, MAX_PROPERTIES_PER_LINE)
    .map((property) => `<code>${escape(truncate(property.property, 100))}</code>`);
  if (first.changes.length > MAX_PROPERTIES_PER_LINE) {
    properties.push(`… ${first.changes.length - MAX_PROPERTIES_PER_LINE} more`);
  }
  const tenants = block.changes.length > 1 ? ` (${blockTenants(block)})` : "";
  return `- ${blockHeading(block)}: ${properties.join(", ")}${tenants}\n`;
}

function propertyRow(change: ResourceChange, property: PropertyChange): string {
  const name = `<code>${escape(truncate(property.property, 100))}</code>`;
  const sets = property.elementChanges;
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
export function escape(text: string): string {
  // Control and bidi characters (from Graph's text) shown as \uXXXX, as in the text renderer.
  return sanitizeText(text.replace(/\r\n|\r|\n/g, " "))
    .replace(/[&<>|\\`*_[\]~@#:$]/g, (char) => `&#${char.charCodeAt(0)};`)
    .replace(/(www)\./gi, "$1&#46;");
}
