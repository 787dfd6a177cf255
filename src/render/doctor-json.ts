import {
  countVerdicts,
  overallVerdict,
  type DoctorCheck,
  type DoctorReport,
} from "../doctor/model.ts";
import type { JsonObject } from "../json.ts";

/** Bumped on any incompatible change of `doctor --format json`. */
export const DOCTOR_FORMAT_VERSION = 1;

/**
 * `doctor --format json`: snake_case keys and `format_version`, as the other JSON documents;
 * `status` is the worst verdict (`fail` is exit code 1). Optional keys are left out, not null.
 */
export function doctorJsonDocument(report: DoctorReport): JsonObject {
  const counts = countVerdicts(report.checks);
  return {
    format_version: DOCTOR_FORMAT_VERSION,
    tenant: report.tenant,
    tenant_id: report.tenantId,
    cloud: report.cloud,
    graph_url: report.graphUrl,
    status: overallVerdict(report.checks),
    counts: { pass: counts.pass, warn: counts.warn, fail: counts.fail },
    checks: report.checks.map(checkJson),
  };
}

function checkJson(check: DoctorCheck): JsonObject {
  return {
    id: check.id,
    verdict: check.verdict,
    title: check.title,
    detail: check.detail,
    ...(check.fix === undefined ? {} : { fix: check.fix }),
    ...(check.collection === undefined ? {} : { collection: check.collection }),
    ...(check.graphVersion === undefined ? {} : { graph_version: check.graphVersion }),
    ...(check.unknownProperties === undefined
      ? {}
      : { unknown_properties: [...check.unknownProperties] }),
    ...(check.missingProperties === undefined
      ? {}
      : { missing_properties: [...check.missingProperties] }),
  };
}

export function renderDoctorJson(report: DoctorReport): string {
  return `${JSON.stringify(doctorJsonDocument(report), null, 2)}\n`;
}
