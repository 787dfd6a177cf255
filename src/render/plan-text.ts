import type { Plan, PlanProblem, PropertyChange, ResourceChange } from "../plan/model.ts";
import {
  acceptedText,
  assignmentText,
  groupSharedProblems,
  plural,
  shortAddress,
  shortId,
  summarisePlan,
  summaryLine,
  targetChangeText,
  truncate,
  valueText,
} from "./plan-values.ts";
import { createStyle, sanitizeText, type Style } from "./style.ts";
import type { DriftAttribution } from "../plan/attribution.ts";
import { attributionGapLines, attributionLookup, attributionText } from "./attribution-text.ts";
import { healthTextBlock } from "./health.ts";

/**
 * The human plan, terraform-like:
 *
 *   ~ remoteAssistancePartner.teamviewer (tenant contoso, id 7443c8b9…, beta)
 *       ~ onboardingStatus: "notOnboarded" → "onboarded"
 *           ↳ changed 2026-12-07 09:14:03 UTC by alex@contoso.example (a person, …): "onboarded" → "notOnboarded"
 *       ~ groupsRequiringPartnerEnrollment:
 *           + target groupAssignmentTarget groupId=4f1c2d3e-…
 *
 *   Plan: 1 to change, 5 unchanged.
 *
 * Problems come after the changes, each with what to do. Pure; ends with a newline.
 */
export interface PlanTextOptions {
  /** ANSI colour: the CLI sets it for a TTY without `NO_COLOR` and without `--no-color`. */
  readonly color: boolean;
  /** Longest value shown, in characters (default 120); longer ones are cut and say so. */
  readonly maxValueLength?: number;
  /** Who last changed each drifted property: a `↳` line under it. */
  readonly attribution?: DriftAttribution;
}

/** Longest target line before it is cut (far beyond any real target). */
const MAX_TARGET_TEXT = 2_000;

/** How many candidates a problem lists before saying how many more there are. */
const MAX_CANDIDATES = 10;
/** How many tenants a shared problem names before saying how many more. */
const MAX_TENANTS_LISTED = 50;

export function renderPlanText(plan: Plan, options: PlanTextOptions): string {
  const style = createStyle(options.color);
  const maxValue = options.maxValueLength ?? 120;
  const summary = summarisePlan(plan);
  const blocks: string[] = [];
  const lookup = attributionLookup(options.attribution);
  const attributed = (change: ResourceChange, property: string): string[] => {
    const entry = lookup(change.address, property);
    if (entry === undefined || options.attribution === undefined) return [];
    const text = attributionText(entry, options.attribution.windowDays, maxValue);
    return [style.dim(`        ↳ ${sanitizeText(text)}`)];
  };
  const block = (change: ResourceChange) => changeBlock(change, style, maxValue, attributed);

  const managed = plan.changes.filter((change) => change.mode !== "observe");
  const observed = plan.changes.filter((change) => change.mode === "observe");
  if (managed.length > 0) {
    blocks.push(
      `intune-gitops will update ${plural(managed.length, "object")} in place (${style.yellow("~")} = update):`,
    );
    for (const change of managed) blocks.push(block(change));
  }
  if (observed.length > 0) {
    blocks.push(
      `${plural(observed.length, "observe-only object")} ${observed.length === 1 ? "differs" : "differ"} from the configuration (metadata.mode: observe: reported, never written):`,
    );
    for (const change of observed) blocks.push(block(change));
  }
  // Said once per cause, not per object: an app without the audit permission is one line.
  for (const line of attributionGapLines(options.attribution))
    blocks.push(`${style.yellow("!")} Attribution: ${sanitizeText(line)}`);
  blocks.push(...acceptanceBlocks(plan, style, maxValue));
  const health = healthTextBlock(plan.health ?? [], style);
  if (health !== undefined) blocks.push(health);
  if (plan.problems.length > 0) {
    blocks.push(style.red(style.bold(`${plural(plan.problems.length, "problem")}:`)));
    for (const group of groupSharedProblems(plan.problems)) {
      blocks.push(problemBlock(group.problem, style, maxValue, group.tenants));
    }
  }
  const line = summaryLine(summary);
  blocks.push(summary.errors > 0 ? style.red(line) : style.bold(line));
  return `${blocks.join("\n\n")}\n`;
}

function changeBlock(
  change: ResourceChange,
  style: Style,
  maxValue: number,
  attributed: (change: ResourceChange, property: string) => string[],
): string {
  const where = [
    `tenant ${sanitizeText(change.tenant)}`,
    `id ${shortId(change.liveId)}`,
    change.graphVersion,
  ].join(", ");
  const lines = [
    `${style.yellow("~")} ${style.bold(shortAddress(change))} ${style.dim(`(${where})`)}`,
  ];
  for (const property of change.changes) {
    lines.push(...propertyLines(change, property, style, maxValue));
    lines.push(...attributed(change, property.property));
  }
  return lines.join("\n");
}

function propertyLines(
  change: ResourceChange,
  property: PropertyChange,
  style: Style,
  maxValue: number,
): string[] {
  const name = sanitizeText(property.property);
  const sets = property.elementChanges;
  if (!sets) {
    const before = valueText(property.before, maxValue);
    const after = valueText(property.after, maxValue);
    return [`    ${style.yellow("~")} ${name}: ${style.red(before)} → ${style.green(after)}`];
  }
  const lines = [`    ${style.yellow("~")} ${name}:`];
  // A target's text is bounded by its few members: cut only past MAX_TARGET_TEXT, so two
  // targets that differ in a filter id never look alike.
  const width = Math.max(maxValue, MAX_TARGET_TEXT);
  for (const added of sets.added) {
    lines.push(`        ${style.green("+")} ${style.green(assignmentText(added, width))}`);
  }
  for (const removed of sets.removed) {
    lines.push(`        ${style.red("-")} ${style.red(assignmentText(removed, width))}`);
  }
  // A change inside one target is one line, never cut: the difference is the point.
  for (const changed of sets.changed) {
    lines.push(`        ${style.yellow("~")} ${targetChangeText(changed)}`);
  }
  if (sets.kept > 0) lines.push(style.dim(`          (${plural(sets.kept, "target")} unchanged)`));
  return lines;
}

function problemBlock(
  problem: PlanProblem,
  style: Style,
  maxValue: number,
  tenants: readonly string[],
): string {
  const subject = problem.address ? `${sanitizeText(problem.address)}: ` : "";
  // A withheld write is a warning about data, not a failure to plan: `!` rather than `✗`.
  const mark = problem.code === "would-clear-beta-data" ? style.yellow("!") : style.red("✗");
  const shared =
    tenants.length > 1
      ? `${plural(tenants.length, "tenant")}, one cause (shown for the first): `
      : "";
  const lines = [`${mark} ${shared}${subject}${truncate(sanitizeText(problem.summary), 2000)}`];
  if (tenants.length > 1) {
    const names = tenants.slice(0, MAX_TENANTS_LISTED).map((tenant) => sanitizeText(tenant));
    const more =
      tenants.length > MAX_TENANTS_LISTED ? `, … ${tenants.length - MAX_TENANTS_LISTED} more` : "";
    lines.push(`    tenants: ${names.join(", ")}${more}`);
  }
  if (problem.source) {
    const { file, line, column } = problem.source;
    lines.push(style.dim(`    at ${sanitizeText(file)}:${line}:${column}`));
  }
  const candidates = problem.candidates ?? [];
  if (candidates.length > 0) {
    const label = problem.code === "duplicate-match" ? "live object" : "live objects";
    lines.push(`    ${label}:`);
    for (const candidate of candidates.slice(0, MAX_CANDIDATES)) {
      const name =
        candidate.displayName === null
          ? "(no displayName)"
          : valueText(candidate.displayName, maxValue);
      lines.push(`      - ${name} ${style.dim(`id ${sanitizeText(candidate.id)}`)}`);
    }
    if (candidates.length > MAX_CANDIDATES) {
      lines.push(`      … and ${candidates.length - MAX_CANDIDATES} more`);
    }
  }
  if (problem.detail) lines.push(`    → ${truncate(sanitizeText(problem.detail), 2000)}`);
  return lines.join("\n");
}

/** Accepted differences, acceptances that no longer hold, and those ending soon. */
function acceptanceBlocks(plan: Plan, style: Style, maxValue: number): string[] {
  const blocks: string[] = [];
  const accepted = plan.accepted ?? [];
  if (accepted.length > 0) {
    blocks.push(
      [
        `${plural(accepted.length, "accepted difference")} (not changed, not drift; ${style.dim("=")} = accepted):`,
        ...accepted.map(
          (difference) =>
            `  ${style.dim("=")} ${sanitizeText(difference.address)} ${sanitizeText(difference.property)}: live ${valueText(difference.live, maxValue)}, declared ${valueText(difference.desired, maxValue)}: ${acceptedText(difference)}`,
        ),
      ].join("\n"),
    );
  }
  for (const warning of plan.warnings ?? []) {
    const at = warning.source
      ? `\n    ${style.dim(`at ${sanitizeText(warning.source.file)}:${warning.source.line}:${warning.source.column}`)}`
      : "";
    blocks.push(
      `${style.yellow("!")} ${sanitizeText(warning.address)}: ${truncate(sanitizeText(warning.summary), 2000)}${at}`,
    );
  }
  const expiring = plan.expiringAcceptances ?? [];
  if (expiring.length > 0) {
    blocks.push(
      [
        `${plural(expiring.length, "acceptance")} ${expiring.length === 1 ? "ends" : "end"} within 14 days (renew or fix the drift):`,
        ...expiring.map(
          (acceptance) =>
            `  - ${acceptance.expires} ${sanitizeText(acceptance.address)} ${sanitizeText(acceptance.property)} (owner: ${sanitizeText(acceptance.owner)}, reason: ${truncate(sanitizeText(acceptance.reason), 500)})`,
        ),
      ].join("\n"),
    );
  }
  return blocks;
}
