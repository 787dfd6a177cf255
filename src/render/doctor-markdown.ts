import { countVerdicts, type DoctorReport, type Verdict } from "../doctor/model.ts";
import { escape } from "./plan-markdown.ts";
import { doctorSummary } from "./doctor-text.ts";

/**
 * `doctor --format markdown`: a heading, one line of context and one table row per check, to
 * paste into an issue or a pull request (every value escaped: Graph's words cannot make links,
 * mentions or HTML).
 */
export function renderDoctorMarkdown(report: DoctorReport): string {
  const counts = countVerdicts(report.checks);
  const context = [
    `tenantId \`${report.tenantId}\``,
    `cloud ${report.cloud}`,
    ...(report.graphUrl === "" ? [] : [`Graph ${escape(report.graphUrl)}`]),
  ].join(" · ");
  const lines = [
    `### intune-gitops doctor: ${escape(report.tenant)}`,
    "",
    `${context}: **${escape(doctorSummary(report.checks).replace(/^Doctor: /, ""))}**${counts.fail > 0 ? " plan or apply will not work for this tenant until the failures are fixed." : ""}`,
    "",
    "| verdict | check | what was seen | fix |",
    "| --- | --- | --- | --- |",
    ...report.checks.map(
      (check) =>
        `| ${MARK[check.verdict]} | ${escape(check.title)} | ${escape(check.detail)} | ${check.fix === undefined ? "" : escape(check.fix)} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

const MARK: Readonly<Record<Verdict, string>> = {
  pass: "✅ pass",
  warn: "⚠️ warn",
  fail: "❌ fail",
};
