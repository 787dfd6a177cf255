import type { HealthFinding } from "../plan/model.ts";
import { escape } from "./plan-markdown.ts";
import { plural, truncate } from "./plan-values.ts";
import { sanitizeText, type Style } from "./style.ts";

/**
 * Health findings (`Plan.health`) for people: a block of the text plan and a section of the
 * Markdown plan and the drift report. They are facts read from the partners, shown apart from
 * the changes and never counted with them.
 */

/** The heading's words, shared by text and Markdown so both say the same. */
const APART = "read from the partners, not drift";

/**
 * The text block, or undefined when there is no finding:
 *
 *   Health: 2 findings (read from the partners, never written, not drift):
 *     ! deviceManagementPartner[contoso].jamf: partnerState is terminated
 */
export function healthTextBlock(
  findings: readonly HealthFinding[],
  style: Style,
): string | undefined {
  if (findings.length === 0) return undefined;
  return [
    `${style.bold("Health")}: ${plural(findings.length, "finding")} (read from the partners, never written, not drift):`,
    ...findings.map(
      (finding) =>
        `  ${style.yellow("!")} ${sanitizeText(finding.address)}: ${truncate(sanitizeText(finding.summary), 500)}`,
    ),
  ].join("\n");
}

/**
 * The Markdown section: a heading and an `object | finding` table, cut at a row boundary to fit
 * `budget` characters with a line saying how many rows were left out. Empty without findings.
 */
export function healthMarkdownSection(findings: readonly HealthFinding[], budget: number): string {
  if (findings.length === 0) return "";
  const heading = `#### Health: ${plural(findings.length, "finding")} (${APART})\n\nFacts about the partners' connections, never written and not counted as changes: look at the partner.\n\n| object | finding |\n| --- | --- |\n`;
  const rows: string[] = [];
  // Room for the heading and the "… more" line.
  let size = heading.length + 200;
  for (const finding of findings) {
    const row = `| <code>${escape(finding.address)}</code> | ${escape(truncate(finding.summary, 500))} |\n`;
    if (size + row.length > budget) break;
    rows.push(row);
    size += row.length;
  }
  if (rows.length === 0) {
    return `#### Health: ${plural(findings.length, "finding")} (${APART})\n\nNot shown here for lack of room: see the JSON output.\n\n`;
  }
  const left = findings.length - rows.length;
  const more = left > 0 ? `\n… ${plural(left, "more finding")}: see the JSON output.\n` : "";
  return `${heading}${rows.join("")}${more}\n`;
}
