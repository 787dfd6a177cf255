import { GITHUB_COMMENT_LIMIT, escape } from "../render/plan-markdown.ts";
import { plural, valueText } from "../render/plan-values.ts";
import { sanitizeText } from "../render/style.ts";
import type { FleetHealthGroup, FleetProperty, FleetReport, FleetValue } from "./fleet-report.ts";

/**
 * The fleet report (`fleet-report.ts`) for people (text, Markdown) and machines (JSON). Formats
 * the model only: every count and grouping comes from `buildFleetReport`.
 */

/** Longest value shown, in characters. */
const MAX_VALUE = 120;

export const FLEET_REPORT_JSON_FORMAT_VERSION = 1;

export function renderFleetText(report: FleetReport): string {
  const lines = [headline(report), ""];
  if (report.objects.length === 0) lines.push("No declared property deviates in any tenant.", "");
  for (const object of report.objects) {
    lines.push(
      `${sanitizeText(object.object)}: ${deviatingText(object.deviating, object.compared)}`,
    );
    for (const property of object.properties) {
      lines.push(`  ${propertyLine(property, object.compared, (text) => sanitizeText(text))}`);
      for (const value of property.values) lines.push(`    ${valueLine(value, sanitizeText)}`);
    }
    lines.push("");
  }
  lines.push(...healthLines(report, sanitizeText, "  "));
  return `${lines.join("\n").trimEnd()}\n`;
}

export function renderFleetMarkdown(report: FleetReport): string {
  const limit = GITHUB_COMMENT_LIMIT;
  const parts = [`### intune-gitops fleet report\n\n${escape(headline(report))}\n\n`];
  let size = parts[0]?.length ?? 0;
  let left = 0;
  if (report.objects.length === 0) parts.push("No declared property deviates in any tenant.\n\n");
  for (const object of report.objects) {
    const lines = [
      `#### <code>${escape(object.object)}</code>: ${deviatingText(object.deviating, object.compared)}\n`,
    ];
    for (const property of object.properties) {
      lines.push(`- ${propertyLine(property, object.compared, escape)}`);
      for (const value of property.values) lines.push(`  - ${valueLine(value, escape)}`);
    }
    const section = `${lines.join("\n")}\n\n`;
    // One page: a section that does not fit is counted, never cut in half.
    if (size + section.length > limit - 2_000) {
      left += 1;
      continue;
    }
    parts.push(section);
    size += section.length;
  }
  if (left > 0) parts.push(`… ${plural(left, "more object")}: see \`report --format json\`.\n\n`);
  const health = healthLines(report, escape, "- ");
  parts.push(health.map((line) => (line.startsWith("Health") ? `#### ${line}` : line)).join("\n"));
  return `${parts.join("").trimEnd()}\n`;
}

export function renderFleetJson(report: FleetReport): string {
  return `${JSON.stringify(
    {
      format_version: FLEET_REPORT_JSON_FORMAT_VERSION,
      tenants: report.tenants,
      unchecked_tenants: report.uncheckedTenants,
      objects: report.objects.map((object) => ({
        object: object.object,
        compared: object.compared,
        deviating: object.deviating,
        properties: object.properties.map((property) => ({
          property: property.property,
          desired: property.desired,
          deviating: property.deviating,
          values: property.values.map((value) => ({
            value: value.value,
            count: value.count,
            tenants: value.tenants,
          })),
        })),
      })),
      health: {
        findings: report.health.findings,
        tenants: report.health.tenants,
        groups: report.health.groups.map((group) => ({ ...group })),
      },
    },
    null,
    2,
  )}\n`;
}

function headline(report: FleetReport): string {
  const unchecked = report.uncheckedTenants.length;
  return `${plural(report.tenants, "tenant")} planned${unchecked > 0 ? `, ${unchecked} could not be (fully) checked` : ""}; ${plural(report.objects.length, "declared object")} ${report.objects.length === 1 ? "deviates" : "deviate"} somewhere.`;
}

function deviatingText(deviating: number, compared: number | null): string {
  return `deviates in ${ofText(deviating, compared)}`;
}

function ofText(count: number, compared: number | null): string {
  return compared === null ? plural(count, "tenant") : `${count} of ${plural(compared, "tenant")}`;
}

function propertyLine(
  property: FleetProperty,
  compared: number | null,
  safe: (text: string) => string,
): string {
  const desired = property.desired.map((value) => valueText(value, MAX_VALUE)).join(" or ");
  return `${safe(property.property)}: ${ofText(property.deviating, compared)} (declared ${safe(desired)})`;
}

function valueLine(value: FleetValue, safe: (text: string) => string): string {
  return `${safe(valueText(value.value, MAX_VALUE))} in ${plural(value.count, "tenant")}: ${safe(names(value.tenants, value.count))}`;
}

function healthLines(
  report: FleetReport,
  safe: (text: string) => string,
  bullet: string,
): string[] {
  const { health } = report;
  if (health.findings === 0) return ["Health: no finding."];
  return [
    `Health: ${plural(health.findings, "finding")} in ${plural(health.tenants, "tenant")} (read from the partners, not drift):`,
    ...health.groups.map((group: FleetHealthGroup) => {
      const what = `${group.object} ${group.property} ${group.code}`;
      return `${bullet}${safe(what)} in ${plural(group.count, "tenant")}: ${safe(names(group.tenants, group.count))}`;
    }),
  ];
}

/** The names listed, then how many more hold it. */
function names(tenants: readonly string[], count: number): string {
  const more = count - tenants.length;
  return `${tenants.join(", ")}${more > 0 ? `, … ${more} more` : ""}`;
}
