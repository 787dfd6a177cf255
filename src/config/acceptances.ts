import type { Diagnostic } from "../diagnostics.ts";
import type { JsonValue } from "../json.ts";
import { GRAPH_VERSIONS, type ResourceDefinition } from "../resources/types.ts";
import { daysAfter, isExistingDate, oneYearAfter, utcDay } from "./calendar-date.ts";
import { issuesToDiagnostics } from "./issues.ts";
import type { AcceptedDeviation } from "./model.ts";
import { specSchema } from "./schema.ts";
import { childOf, isMapping } from "./schema-walk.ts";
import { listWords, nearest } from "./suggest.ts";
import type { Path, PlainMap, SourceDocument } from "./yaml-document.ts";

/**
 * The checks on `acceptedDeviations` that need more than the schema: the property must be one the
 * document declares under `spec` (only declared properties are compared, so accepting another
 * would silence nothing), the tenant one of the document's, and `expires` at most a year from
 * today. An accepted `value` must be one the property can hold (checked with the property's own
 * schema): a value no live object can have would never match, so the acceptance would silently
 * accept nothing. An acceptance that has expired is valid but a warning: the difference is drift
 * again, and plan says so too.
 */
export function checkAcceptances(
  document: SourceDocument,
  resource: ResourceDefinition,
  value: PlainMap,
  targetTenants: readonly string[],
  now: Date,
  diagnostics: Diagnostic[],
): (tenant: string) => AcceptedDeviation[] {
  const entries = childOf(value, "acceptedDeviations");
  if (!Array.isArray(entries)) return () => [];
  const spec = childOf(value, "spec");
  const declared = isMapping(spec) ? Object.keys(spec) : [];
  const today = utcDay(now);
  const latest = oneYearAfter(today);
  const accepted: { readonly tenant?: string; readonly deviation: AcceptedDeviation }[] = [];

  entries.forEach((entry, index) => {
    if (!isMapping(entry)) return;
    const at = (key: string): Path => ["acceptedDeviations", index, key];
    const { property, reason, owner, expires, tenant } = entry;
    let usable = true;
    if (typeof property === "string" && property !== "" && !declared.includes(property)) {
      usable = false;
      const suggestion = nearest(property, declared);
      diagnostics.push({
        severity: "error",
        code: "acceptance-unknown-property",
        summary: `acceptedDeviations[${index}].property: "${property}" is not declared under spec`,
        detail: `accept a difference only in a property this document manages (${declared.length > 0 ? listWords(declared, "or") : "none declared"})${suggestion === undefined ? "" : `; did you mean ${suggestion}?`}`,
        source: document.locate(at("property")),
      });
    }
    if (typeof property === "string" && declared.includes(property) && "value" in entry) {
      const problems = valueProblems(document, resource, property, entry["value"], at("value"));
      if (problems.length > 0) usable = false;
      diagnostics.push(...problems);
    }
    if (typeof tenant === "string" && !targetTenants.includes(tenant)) {
      usable = false;
      diagnostics.push({
        severity: "error",
        code: "unknown-tenant",
        summary: `acceptedDeviations[${index}].tenant: "${tenant}" is not one of this object's tenants`,
        detail: `the object is declared in ${targetTenants.length > 0 ? listWords([...targetTenants], "and") : "no tenant"}; name one of them, or omit tenant to accept the difference in all of them`,
        source: document.locate(at("tenant")),
      });
    }
    if (typeof expires === "string" && isExistingDate(expires)) {
      if (expires > latest) {
        usable = false;
        diagnostics.push({
          severity: "error",
          code: "acceptance-too-long",
          summary: `acceptedDeviations[${index}].expires: ${expires} is more than a year ahead`,
          detail: `an acceptance lasts at most a year, so that someone looks at it again: set expires to ${latest} or earlier, and renew it then if it still holds`,
          source: document.locate(at("expires")),
        });
      } else if (expires < today) {
        diagnostics.push({
          severity: "warning",
          code: "acceptance-expired",
          summary: `acceptedDeviations[${index}]: the acceptance of ${typeof property === "string" ? property : "the property"} expired on ${expires}`,
          detail: `the difference is drift again: fix the tenant or the declared value, or renew the acceptance (expires no later than ${latest}) if it still holds`,
          source: document.locate(at("expires")),
        });
      }
    } else usable = false;
    if (
      !usable ||
      typeof property !== "string" ||
      typeof reason !== "string" ||
      typeof owner !== "string" ||
      typeof expires !== "string"
    )
      return;
    const deviation: AcceptedDeviation = {
      property,
      ...("value" in entry ? { value: toJson(entry["value"]) } : {}),
      reason,
      owner,
      expires,
      source: document.locate(["acceptedDeviations", index], "value"),
    };
    accepted.push({ ...(typeof tenant === "string" ? { tenant } : {}), deviation });
  });
  return (tenant) =>
    accepted
      .filter((entry) => entry.tenant === undefined || entry.tenant === tenant)
      .map((entry) => entry.deviation);
}

/**
 * What is wrong with an accepted value, by the rules a declared value follows. The schema of every
 * Graph version is used: the value is a live one, read through whichever version the tenant uses.
 */
function valueProblems(
  document: SourceDocument,
  resource: ResourceDefinition,
  property: string,
  value: unknown,
  path: Path,
): Diagnostic[] {
  const schema = specSchema(resource, GRAPH_VERSIONS).shape[property];
  if (schema === undefined) return [];
  const result = schema.safeParse(value);
  if (result.success) return [];
  return issuesToDiagnostics(result.error.issues, { document, schema, data: value, prefix: path });
}

/** Whether an acceptance still holds on `now`'s day (it holds through its `expires` day, UTC). */
export function isAcceptanceActive(deviation: AcceptedDeviation, now: Date): boolean {
  return deviation.expires >= utcDay(now);
}

/** Whether it ends within `days` days of `now` (and has not ended yet). */
export function expiresWithin(deviation: AcceptedDeviation, now: Date, days: number): boolean {
  return isAcceptanceActive(deviation, now) && deviation.expires <= daysAfter(utcDay(now), days);
}

function toJson(value: unknown): JsonValue {
  if (value === null || typeof value !== "object")
    return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
      ? value
      : null;
  if (Array.isArray(value)) return value.map(toJson);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJson(item)]));
}
