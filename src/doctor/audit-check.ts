import { isJsonObject } from "../json.ts";
import { describeFailure, type Answer } from "./collection-checks.ts";
import type { DoctorCheck } from "./model.ts";
import { auditFix } from "./token-checks.ts";

/**
 * Whether Intune's audit log answers (`GET …/deviceManagement/auditEvents?$top=1`): plan uses it
 * to name who changed a drifted object. Optional, so never a failure: without it plan says once
 * that attribution is unavailable and goes on.
 */
export function auditCheck(answer: Answer): DoctorCheck {
  const base = { id: "audit-events", title: "Audit events readable" };
  if (answer.ok) {
    const value = answer.body["value"];
    const events = Array.isArray(value) ? value.filter(isJsonObject).length : 0;
    return {
      ...base,
      verdict: "pass",
      detail: events === 0 ? "the audit log answered; it is empty" : "the audit log answered",
    };
  }
  const { failure } = answer;
  return {
    ...base,
    verdict: "warn",
    detail: describeFailure(failure),
    fix:
      failure.status === 403
        ? auditFix()
        : "plan goes on without naming who changed a drifted object; run doctor again later",
  };
}
