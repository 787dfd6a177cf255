import type {
  ApplyError,
  ApplyEvent,
  ApplyResult,
  NotConvergedProperty,
  ObjectResult,
  SkipReason,
} from "../apply/model.ts";
import { redact } from "../redact.ts";
import type { JsonValue } from "../json.ts";
import type { ResourceChange } from "../plan/model.ts";
import { formatSeconds } from "../format-duration.ts";
import { plural } from "./plan-values.ts";
import { createStyle, sanitizeText, type Style } from "./style.ts";

/**
 * Human output for `apply`: one line per event worth a line (objects as they complete, waits,
 * phases), and a summary that lists every object that did not end as planned with what to do.
 * Pure: the CLI decides where the text goes and whether colour is on (a TTY without `NO_COLOR`).
 */
export interface ApplyTextOptions {
  readonly color: boolean;
}

/** The line for one event, without a newline; undefined for events that print nothing. */
export function renderApplyEvent(event: ApplyEvent, options: ApplyTextOptions): string | undefined {
  const paint = createStyle(options.color);
  switch (event.type) {
    case "check-started":
      if (event.objects === 0) return undefined;
      return paint.dim(
        `Checking the plan is still current: reading ${plural(event.collections, "collection")} in ${plural(event.tenants, "tenant")}...`,
      );
    case "object-stale":
      return `${paint.yellow("!")} ${event.object.address}: changed since the plan was made: ${sanitizeText(event.reason)}`;
    case "object-already-applied":
      return `${paint.green("✓")} ${event.object.address}: already applied (it holds the plan's values: not written again)`;
    case "refused":
      return paint.yellow(
        `Nothing will be written: ${plural(event.staleObjects, "object")} changed since the plan was made.`,
      );
    case "write-started":
      if (event.objects === 0) return undefined;
      return paint.dim(`Applying ${plural(event.objects, "change")}...`);
    case "object-started":
    case "object-verified":
      // The object's line comes when it completes; a verified object needs no second line.
      return undefined;
    case "budget-wait":
      return paint.dim(
        `  ${event.tenant}: waiting ${formatSeconds(event.waitMs)} to stay within ${event.budget === "app" ? "its app's" : "its"} ${event.writes} writes per ${formatSeconds(event.perMs)}${event.budget === "app" ? " (across all tenants signing in with it)" : ""}`,
      );
    case "circuit-open":
      return paint.yellow(
        `! ${event.tenant}: ${event.failures} PATCH attempts in a row got 429, 5xx or no answer: no more writes to this tenant in this run`,
      );
    case "object-written":
      return `${paint.green("✓")} ${event.object.address}: updated ${event.properties.join(", ")} ${paint.dim(`(PATCH ${event.httpStatus}, ${event.durationMs} ms)`)}`;
    case "object-failed":
      return event.phase === "check"
        ? `${paint.red("✗")} ${event.object.address}: not written, could not re-read it to check the plan: ${errorText(event.error)}`
        : `${paint.red("✗")} ${event.object.address}: failed: ${errorText(event.error)}`;
    case "object-skipped":
      // After a refusal the "refused" line says it once; one line per object would bury the news.
      if (event.reason === "plan-stale") return undefined;
      return `${paint.yellow("-")} ${event.object.address}: not written (${skipText(event.reason)})`;
    case "verify-started":
      return paint.dim(`Verifying: reading back ${plural(event.collections, "collection")}...`);
    case "object-not-converged":
      return `${paint.yellow("!")} ${event.object.address}: written, but Graph holds ${notConvergedText(event.notConverged)}`;
    case "verify-failed":
      return `${paint.yellow("!")} could not read back ${event.kind} (${event.graphVersion}) in ${event.tenant} to verify ${plural(event.objects.length, "object")}: ${errorText(event.error)}`;
  }
}

/**
 * The end of the run: `Apply complete: 3 changed, 1 failed, 0 skipped.` (or refused / interrupted),
 * then each object that did not end as planned, its reason and what to do. Ends with a newline.
 */
export function renderApplySummary(result: ApplyResult, options: ApplyTextOptions): string {
  const paint = createStyle(options.color);
  const { summary } = result;
  const lines: string[] = [];

  if (result.refusedAsStale) {
    lines.push(
      paint.bold(
        paint.yellow(
          `Apply refused: ${plural(summary.stale, "object")} changed since the plan was made, so nothing was written.`,
        ),
      ),
    );
    for (const object of result.results.filter((r) => r.status === "stale")) {
      lines.push(`  ${object.address}: ${sanitizeText(object.staleReason ?? "changed")}`);
    }
    lines.push(
      ...listFailures(result, paint),
      "Run plan again to see the tenant as it is now, review the new plan, and apply that one.",
    );
    return `${lines.join("\n")}\n`;
  }

  const counts = [
    `${summary.changed} changed`,
    ...(summary.alreadyApplied > 0 ? [`${summary.alreadyApplied} already applied`] : []),
    `${summary.failed} failed`,
    `${summary.skipped} skipped`,
    ...(summary.notConverged > 0 ? [`${summary.notConverged} not converged`] : []),
  ].join(", ");
  const headline = `${result.interrupted ? "Apply interrupted" : "Apply complete"}: ${counts}.`;
  const clean = summary.failed + summary.skipped + summary.notConverged + summary.unverified === 0;
  lines.push(paint.bold(clean ? paint.green(headline) : paint.yellow(headline)));
  lines.push(...changedValues(result));
  lines.push(...listFailures(result, paint));

  const notConverged = result.results.filter((r) => r.status === "not-converged");
  if (notConverged.length > 0) {
    lines.push("", "Written, but Graph holds other values than the plan's:");
    for (const object of notConverged) {
      lines.push(`  ${object.address}: ${notConvergedText(object.notConverged ?? [])}`);
    }
    lines.push(
      "  Graph accepted the PATCH but stored something else: the service may own the value (a state it sets itself) or need another step first. Check the object in Intune; if the service owns the property, remove it from the configuration.",
    );
  }

  const unverified = result.results.filter((r) => r.verifyError !== undefined);
  if (unverified.length > 0) {
    lines.push("", "Written, but not verified (the read-back failed):");
    for (const object of unverified) {
      lines.push(`  ${object.address}: ${errorText(object.verifyError!)}`);
    }
    lines.push("  Run plan to confirm they now match.");
  }

  for (const reason of ["interrupted", "fail-fast", "circuit-open"] as const) {
    const skipped = result.results.filter((r) => r.skipReason === reason);
    if (skipped.length === 0) continue;
    lines.push("", `Not written (${skipText(reason)}):`);
    lines.push(...skipped.map((object) => `  ${object.address}`));
    lines.push(
      reason === "interrupted"
        ? "  Run apply again (it plans afresh) to write the rest."
        : reason === "fail-fast"
          ? "  Fix the failure above, then run apply again (it plans afresh) to write the rest."
          : "  Graph kept refusing this tenant: run apply again later (it plans afresh and writes only what still differs).",
    );
  }
  return `${lines.join("\n")}\n`;
}

function listFailures(result: ApplyResult, paint: Style): string[] {
  const failed = result.results.filter((r) => r.status === "failed");
  if (failed.length === 0) return [];
  const lines = ["", paint.red("Failed:")];
  for (const object of failed) {
    lines.push(`  ${object.address}: ${errorText(object.error ?? { message: "failed" })}`);
    lines.push(`    ${whatToDo(object)}`);
  }
  return lines;
}

/** Advice for a failed object, from the HTTP status Graph answered (or its absence). */
function whatToDo(object: ObjectResult): string {
  const status = object.error?.status;
  const retryLater =
    "Graph kept failing after retries: run apply again later (it plans afresh and writes only what still differs).";
  if (object.failedIn === "check") {
    // No PATCH was sent: the read before writing (or the sign-in) failed.
    if (status === 401 || status === 403) return permissionAdvice(object.tenant, status);
    if (status === undefined || status === 429 || status >= 500) {
      return `It was not written: the tenant could not be read to check the plan. ${status === undefined ? "Check the tenant's sign-in settings and the network, then run apply again." : retryLater}`;
    }
    return "It was not written: the tenant could not be read to check the plan. Run plan again.";
  }
  if (object.error?.interrupted === true) {
    return status === undefined
      ? "Interrupted while the PATCH was on the wire, so it may or may not have been applied: run plan to see, then apply again."
      : status === 429
        ? "Interrupted before it was retried: Graph had answered 429 (throttled), so it was not written. Run apply again."
        : `Interrupted before it was retried (Graph had answered ${status}): run plan to see whether it was written, then apply again.`;
  }
  if (status === undefined) {
    return "The PATCH got no answer (network error or timeout), so it may or may not have been applied: run plan to see, then apply again.";
  }
  if (status === 400 || status === 422) {
    return "Graph rejected the value: fix it in the configuration, then plan and apply again.";
  }
  if (status === 401 || status === 403) return permissionAdvice(object.tenant, status);
  if (status === 404) return "The object no longer exists: run plan again.";
  if (status === 409 || status === 412) return "Someone else changed the object: run plan again.";
  if (status === 429 || status >= 500) return retryLater;
  return "Run plan again to see the object's state; quote the request-id to Microsoft support if it persists.";
}

function permissionAdvice(tenant: string, status: number): string {
  return status === 401
    ? `Graph did not accept the sign-in for tenant ${tenant}: check its tenantId, cloud and credentials.`
    : `The app lacks permission in tenant ${tenant}: grant the Microsoft Graph application permission DeviceManagementServiceConfig.ReadWrite.All with admin consent.`;
}

function skipText(reason: SkipReason): string {
  switch (reason) {
    case "interrupted":
      return "interrupted before it started";
    case "fail-fast":
      return "stopped after a failure: --fail-fast";
    case "plan-stale":
      return "the plan is stale";
    case "circuit-open":
      return "not attempted: the tenant kept answering 429, 5xx or nothing";
  }
}

/**
 * `BadRequest: the message (HTTP 400, request-id …)`: Graph's own words first. The Graph client's
 * messages already carry the status, code and request-id; nothing is said twice.
 */
export function errorText(error: ApplyError): string {
  const { message } = error;
  const lead = error.code && !message.includes(error.code) ? `${error.code}: ` : "";
  const facts = [
    ...(error.status === undefined || message.includes(`HTTP ${error.status}`)
      ? []
      : [`HTTP ${error.status}`]),
    ...(error.requestId === undefined || message.includes(error.requestId)
      ? []
      : [`request-id ${error.requestId}`]),
  ];
  // Graph's words come from outside: never let them drive the terminal.
  return sanitizeText(`${lead}${message}${facts.length > 0 ? ` (${facts.join(", ")})` : ""}`);
}

function notConvergedText(properties: readonly NotConvergedProperty[]): string {
  return properties
    .map(
      ({ property, desired, live }) =>
        `${property} = ${showValue(live)} (wanted ${showValue(desired)})`,
    )
    .join("; ");
}

function showValue(value: JsonValue | undefined): string {
  if (value === undefined) return "nothing (the property or the object is gone)";
  return writtenValue(value);
}

/** A value on one line, redacted, at most 120 characters. */
function writtenValue(value: JsonValue | undefined): string {
  if (value === undefined) return "(absent)";
  // Redacted before it is cut short: a cut token no longer looks like one to the output filter.
  const text = sanitizeText(redact(JSON.stringify(value)));
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Apply's word on each observe-only object with drift: reported by plan, never written. */
export function renderObservedSkips(
  observed: readonly ResourceChange[],
  options: ApplyTextOptions,
): string {
  const paint = createStyle(options.color);
  return observed
    .map(
      (change) =>
        `${paint.dim("-")} ${sanitizeText(change.address)}: skipped, observe-only (metadata.mode: observe): its drift in ${change.changes.map((property) => property.property).join(", ")} is reported, never written\n`,
    )
    .join("");
}

/** What each written object went from and to: the audit trail a change record needs. */
function changedValues(result: ApplyResult): string[] {
  const written = result.results.filter(
    (object) =>
      (object.status === "changed" || object.status === "not-converged") &&
      object.propertyChanges !== undefined,
  );
  if (written.length === 0) return [];
  const lines = ["", "Written (live before → sent):"];
  for (const object of written) {
    lines.push(`  ${sanitizeText(object.address)}:`);
    for (const change of object.propertyChanges ?? []) {
      lines.push(
        `    ${sanitizeText(change.property)}: ${writtenValue(change.before)} → ${writtenValue(change.after)}`,
      );
    }
  }
  return lines;
}
