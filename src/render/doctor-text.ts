import {
  countVerdicts,
  type DoctorCheck,
  type DoctorReport,
  type Verdict,
} from "../doctor/model.ts";
import { plural } from "./plan-values.ts";
import { createStyle, sanitizeText, type Style } from "./style.ts";

/**
 * `doctor` for a terminal: one line per check, its verdict first (`pass`, `warn`, `FAIL`: the
 * failures stand out even without colour), the fix on the line below when there is one, and a
 * summary line. Text from Graph is sanitised (no control characters reach the terminal).
 */
export function renderDoctorText(report: DoctorReport, options: { color: boolean }): string {
  const style = createStyle(options.color);
  const where = report.graphUrl === "" ? "" : `, Graph ${report.graphUrl}`;
  const lines = [
    `Doctor: tenant ${sanitizeText(report.tenant)} (tenantId ${report.tenantId}, cloud ${report.cloud}${sanitizeText(where)})`,
    "",
    ...report.checks.flatMap((check) => checkLines(check, style)),
    "",
    doctorSummary(report.checks),
  ];
  return `${lines.join("\n")}\n`;
}

const WORD: Readonly<Record<Verdict, string>> = { pass: "pass", warn: "warn", fail: "FAIL" };

function checkLines(check: DoctorCheck, style: Style): string[] {
  const colour =
    check.verdict === "pass" ? style.green : check.verdict === "warn" ? style.yellow : style.red;
  const line = `${colour(WORD[check.verdict])}  ${sanitizeText(check.title)}: ${sanitizeText(check.detail)}`;
  return check.fix === undefined
    ? [line]
    : [line, `      ${style.dim(`Fix: ${sanitizeText(check.fix)}`)}`];
}

/** `Doctor: 17 passed, 1 warning, 0 failures.` */
export function doctorSummary(checks: readonly DoctorCheck[]): string {
  const counts = countVerdicts(checks);
  return `Doctor: ${counts.pass} passed, ${plural(counts.warn, "warning")}, ${plural(counts.fail, "failure")}.`;
}
