import { isJsonObject, type JsonValue } from "../json.ts";
import type { Plan, PlanProblem, ResourceChange } from "../plan/model.ts";
import { compareStrings } from "../canonical-json.ts";
import type { ElementChange } from "../resources/property-types/behaviour.ts";
import { withIdentityOnly } from "../resources/property-types/assignment-diff.ts";
import { sanitizeText } from "./style.ts";

/**
 * What the plan renderers share: counts per tenant, value text, and assignment sets as additions
 * and removals. The renderers differ only in layout; the numbers and words come from here.
 */

export interface TenantSummary {
  readonly tenant: string;
  readonly toChange: number;
  /** Observe-only objects of the tenant that differ (drift, never written). */
  readonly observed: number;
  /** Undefined for a plan without `unchangedByTenant` (made by hand). */
  readonly unchanged: number | undefined;
  readonly errors: number;
}

export interface PlanSummary {
  /** Objects apply will write: changes of observe-only objects are counted in `observed`. */
  readonly toChange: number;
  /** Observe-only objects that differ: drift that is reported, never written. */
  readonly observed: number;
  /** Differences an acceptance covers: shown, not counted as changes. */
  readonly accepted: number;
  readonly unchanged: number;
  readonly errors: number;
  /** Every planned tenant, plus any tenant a change or problem names; sorted. */
  readonly tenants: readonly TenantSummary[];
}

export function summarisePlan(plan: Plan): PlanSummary {
  // Counted in one pass each, not filtered per tenant: 2,000 tenants by 800 changes was 150 ms.
  const counts = new Map<string, { toChange: number; observed: number; errors: number }>();
  const countsOf = (tenant: string) => {
    let entry = counts.get(tenant);
    if (entry === undefined) {
      entry = { toChange: 0, observed: 0, errors: 0 };
      counts.set(tenant, entry);
    }
    return entry;
  };
  for (const tenant of plan.tenants) countsOf(tenant);
  let toChange = 0;
  for (const change of plan.changes) {
    const entry = countsOf(change.tenant);
    if (change.mode === "observe") entry.observed++;
    else {
      entry.toChange++;
      toChange++;
    }
  }
  for (const problem of plan.problems) countsOf(problem.tenant).errors++;
  const tenants = [...counts]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([tenant, count]) => ({
      tenant,
      toChange: count.toChange,
      observed: count.observed,
      unchanged: plan.unchangedByTenant ? (plan.unchangedByTenant[tenant] ?? 0) : undefined,
      errors: count.errors,
    }));
  return {
    toChange,
    observed: plan.changes.length - toChange,
    accepted: plan.accepted?.length ?? 0,
    unchanged: plan.unchangedCount,
    errors: plan.problems.length,
    tenants,
  };
}

/** Whether there is nothing to report: no change and no problem. */
export function isClean(summary: PlanSummary): boolean {
  return summary.toChange === 0 && summary.observed === 0 && summary.errors === 0;
}

/** `2 to change, 1 observed (not written), 5 unchanged, 1 error` (the optional parts only when not 0). */
export function summaryCounts(summary: PlanSummary): string {
  const errors = summary.errors > 0 ? `, ${plural(summary.errors, "error")}` : "";
  const observed = summary.observed > 0 ? `, ${summary.observed} observed (not written)` : "";
  return `${summary.toChange} to change${observed}, ${summary.unchanged} unchanged${errors}`;
}

/** `Plan: 2 to change, 5 unchanged, 1 error.` or `No changes. The tenants match the configuration.` */
export function summaryLine(summary: PlanSummary): string {
  if (isClean(summary))
    return summary.accepted > 0
      ? `No changes. The tenants match the configuration, apart from ${plural(summary.accepted, "accepted difference")}.`
      : "No changes. The tenants match the configuration.";
  return `Plan: ${summaryCounts(summary)}.`;
}

export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** A value as JSON text on one line, safe for a terminal, cut to `maxLength` characters. */
export function valueText(value: JsonValue | undefined, maxLength: number): string {
  if (value === undefined) return "(absent)";
  return truncate(sanitizeText(JSON.stringify(value)), maxLength);
}

/** Cuts text to `maxLength` characters, saying how much was left out. */
export function truncate(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const note = `… (${text.length} chars)`;
  const keep = Math.max(maxLength - note.length, 1);
  return `${text.slice(0, keep)}${note}`;
}

/** A live id shortened for headers: GUIDs to their first 8 characters. */
export function shortId(id: string): string {
  const safe = sanitizeText(id);
  return safe.length > 12 ? `${safe.slice(0, 8)}…` : safe;
}

/** `remoteAssistancePartner.teamviewer`: the address without the tenant, for headers. */
export function shortAddress(change: ResourceChange): string {
  return truncate(sanitizeText(`${change.graphType}.${change.name}`), 200);
}

const FILTER_TYPE = "deviceAndAppManagementAssignmentFilterType";
const FILTER_ID = "deviceAndAppManagementAssignmentFilterId";

/**
 * A target change as a reader says it, nothing cut:
 * `target groupAssignmentTarget groupId=7a8b9c0d-…: filter include e1f2a3b4-… → none`
 * (the filter's type and id read as one setting; any other field as `name before → after`).
 */
export function targetChangeText(change: ElementChange): string {
  const identity = assignmentText(withIdentityOnly(change.after), Number.MAX_SAFE_INTEGER);
  const byName = new Map(change.fields.map((field) => [field.field, field]));
  const parts: string[] = [];
  if (byName.has(FILTER_TYPE) || byName.has(FILTER_ID)) {
    parts.push(`filter ${filterText(change.before)} → ${filterText(change.after)}`);
  }
  for (const field of change.fields) {
    if (field.field === FILTER_TYPE || field.field === FILTER_ID) continue;
    parts.push(`${field.field} ${JSON.stringify(field.before)} → ${JSON.stringify(field.after)}`);
  }
  return sanitizeText(`${identity}: ${parts.join(", ")}`);
}

/** `none`, `include e1f2a3b4-…`, or `exclude (no filter id)`. */
function filterText(element: JsonValue): string {
  const target = isJsonObject(element) ? element["target"] : undefined;
  const type = isJsonObject(target) ? (target[FILTER_TYPE] ?? "none") : "none";
  const id = isJsonObject(target) ? (target[FILTER_ID] ?? null) : null;
  if (type === "none" && id === null) return "none";
  return `${typeof type === "string" ? type : JSON.stringify(type)} ${typeof id === "string" ? id : "(no filter id)"}`;
}

/**
 * One assignment as a reader says it: `target groupAssignmentTarget groupId=4f1c…` (the type
 * without its `#microsoft.graph.` prefix, then the target's properties).
 */
export function assignmentText(element: JsonValue, maxLength: number): string {
  const target = isJsonObject(element) ? element["target"] : undefined;
  if (!isJsonObject(target)) {
    return valueText(element, maxLength);
  }
  const odataType = target["@odata.type"];
  const type =
    typeof odataType === "string" ? odataType.replace(/^#?microsoft\.graph\./, "") : "(no type)";
  const properties = Object.keys(target)
    .filter((key) => key !== "@odata.type")
    .sort(compareStrings)
    .map((key) => {
      const value = target[key];
      return `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`;
    });
  return truncate(sanitizeText(["target", type, ...properties].join(" ")), maxLength);
}

/** `accepted until 2027-01-31 (owner: it-ops, reason: licence not bought yet)` */
export function acceptedText(acceptance: {
  readonly expires: string;
  readonly owner: string;
  readonly reason: string;
}): string {
  return `accepted until ${acceptance.expires} (owner: ${truncate(sanitizeText(acceptance.owner), 200)}, reason: ${truncate(sanitizeText(acceptance.reason), 500)})`;
}

/** Problems that share one cause, shown once with the tenants they hit. */
export interface ProblemGroup {
  /** The first problem, as the group's text. */
  readonly problem: PlanProblem;
  /** Every tenant with this problem, in plan order (one entry for an ungrouped problem). */
  readonly tenants: readonly string[];
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** A tenant's text with its own name and ids set aside: what tenants with one cause share. */
export function withoutTenant(text: string, tenant: string): string {
  return text.split(tenant).join("\u0000").replace(GUID, "\u0001");
}

/**
 * Problems whose text is the same once each tenant's own name and ids are set aside are one
 * cause: a bad `INTUNE_GITOPS_GRAPH_URL`, Graph down for everyone, one multi-tenant app's secret
 * expired, or an object declared for `tenants: all` that no tenant has. Reported once with the
 * tenants it hit, not once per tenant (400 broken tenants are one entry, not 400). In the order
 * of each group's first problem.
 */
export function groupSharedProblems(problems: readonly PlanProblem[]): ProblemGroup[] {
  const groups = new Map<string, { problem: PlanProblem; tenants: string[] }>();
  const order: { problem: PlanProblem; tenants: string[] }[] = [];
  for (const problem of problems) {
    const generic = (text: string) => withoutTenant(text, problem.tenant);
    const key = JSON.stringify([
      problem.code,
      problem.cause ?? null,
      generic(problem.address ?? ""),
      generic(problem.summary),
      generic(problem.detail),
      problem.source ?? null,
      (problem.candidates ?? []).map((candidate) => [generic(candidate.id), candidate.displayName]),
    ]);
    const group = groups.get(key);
    if (group === undefined) {
      const created = { problem, tenants: [problem.tenant] };
      groups.set(key, created);
      order.push(created);
    } else {
      group.tenants.push(problem.tenant);
    }
  }
  return order;
}
