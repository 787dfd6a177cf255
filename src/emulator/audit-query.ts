import { parseDateTimeOffset } from "../date-time-offset.ts";
import type { JsonObject } from "../json.ts";

/**
 * `$filter` and `$orderby` on `/deviceManagement/auditEvents`, the subset clients use
 * (shared/graph/audit-and-lifecycle.md §1): clauses joined by `and`, each one of
 * - `activityDateTime gt|ge|lt|le|eq 2025-01-31T09:30:00Z` (an unquoted DateTimeOffset, as OData
 *   writes it; a quoted one is a string, which Graph refuses to compare with a date);
 * - `componentName|activityOperationType|activityType|category|activityResult eq|ne 'text'`;
 * - `resources/any(r: r/resourceId eq 'id')`.
 * Anything else is refused with a 400 naming what is supported, never silently ignored.
 */

export type AuditPredicate = (event: JsonObject) => boolean;

const STRING_PROPERTIES = [
  "componentName",
  "activityOperationType",
  "activityType",
  "category",
  "activityResult",
];

const DATE_OPERATORS: Readonly<Record<string, (a: bigint, b: bigint) => boolean>> = {
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
  eq: (a, b) => a === b,
};

const SUPPORTED =
  "activityDateTime gt|ge|lt|le|eq <DateTimeOffset>, componentName/activityOperationType/activityType/category/activityResult eq|ne '<text>', resources/any(r: r/resourceId eq '<id>'), joined by 'and'";

export function parseAuditFilter(text: string): AuditPredicate | { readonly error: string } {
  const clauses = splitOnAnd(text.trim());
  if (clauses === undefined)
    return { error: `Invalid filter clause: unbalanced quotes in '${text}'.` };
  const predicates: AuditPredicate[] = [];
  for (const clause of clauses) {
    const predicate = parseClause(clause);
    if ("error" in predicate) return predicate;
    predicates.push(predicate.test);
  }
  return (event) => predicates.every((predicate) => predicate(event));
}

function parseClause(
  clause: string,
): { readonly test: AuditPredicate } | { readonly error: string } {
  const date = /^activityDateTime\s+(gt|ge|lt|le|eq)\s+(\S+)$/i.exec(clause);
  if (date) {
    const [, operator = "", literal = ""] = date;
    if (literal.startsWith("'")) {
      return {
        error: `A binary operator with incompatible types was detected. Found operand types 'Edm.DateTimeOffset' and 'Edm.String' for operator kind '${operator}'.`,
      };
    }
    const parsed = parseDateTimeOffset(literal);
    if (!parsed.ok)
      return { error: `Invalid filter clause: '${literal}' is not a DateTimeOffset.` };
    const compare = DATE_OPERATORS[operator.toLowerCase()];
    if (compare === undefined) return { error: `Invalid filter clause: ${clause}` };
    return {
      test: (event) => {
        const value = event["activityDateTime"];
        if (typeof value !== "string") return false;
        const ticks = parseDateTimeOffset(value);
        return ticks.ok && compare(ticks.ticks, parsed.ticks);
      },
    };
  }
  const text = /^(\w+)\s+(eq|ne)\s+'((?:[^']|'')*)'$/i.exec(clause);
  if (text) {
    const [, name = "", operator = "", quoted = ""] = text;
    const property = STRING_PROPERTIES.find((known) => known === name);
    if (property === undefined) return unsupported(clause);
    const wanted = quoted.replaceAll("''", "'");
    const equal = operator.toLowerCase() === "eq";
    return { test: (event) => (event[property] === wanted) === equal };
  }
  const any =
    /^resources\/any\(\s*(\w+)\s*:\s*(\w+)\/resourceId\s+eq\s+'((?:[^']|'')*)'\s*\)$/i.exec(clause);
  if (any) {
    const [, variable = "", used = "", quoted = ""] = any;
    if (variable !== used) {
      return {
        error: `Could not find a property named '${used}' on type 'microsoft.graph.auditEvent'.`,
      };
    }
    // Intune ids are GUIDs, which Graph compares regardless of case.
    const wanted = quoted.replaceAll("''", "'").toLowerCase();
    return {
      test: (event) => {
        const resources = event["resources"];
        return (
          Array.isArray(resources) &&
          resources.some(
            (resource) =>
              typeof resource === "object" &&
              resource !== null &&
              !Array.isArray(resource) &&
              typeof resource["resourceId"] === "string" &&
              resource["resourceId"].toLowerCase() === wanted,
          )
        );
      },
    };
  }
  return unsupported(clause);
}

function unsupported(clause: string): { readonly error: string } {
  return {
    error: `Invalid filter clause '${clause}': the intune-gitops Graph emulator supports ${SUPPORTED}.`,
  };
}

/** The clauses between top-level ` and `s (outside quotes and parentheses); undefined on an open quote. */
function splitOnAnd(text: string): string[] | undefined {
  const clauses: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (character === "'") quoted = !quoted;
    else if (!quoted && character === "(") depth++;
    else if (!quoted && character === ")") depth--;
    else if (!quoted && depth === 0 && /\s/.test(character ?? "")) {
      const rest = /^\s+and\s+/i.exec(text.slice(index));
      if (rest) {
        clauses.push(text.slice(start, index).trim());
        index += rest[0].length - 1;
        start = index + 1;
      }
    }
  }
  if (quoted) return undefined;
  clauses.push(text.slice(start).trim());
  return clauses;
}

/** `$orderby=activityDateTime [asc|desc]`, the only order the emulator sorts by. */
export function parseAuditOrderBy(
  text: string,
): { readonly descending: boolean } | { readonly error: string } {
  const match = /^activityDateTime(?:\s+(asc|desc))?$/i.exec(text.trim());
  if (!match) {
    return {
      error: `Order by '${text}' is not supported by the intune-gitops Graph emulator: use $orderby=activityDateTime asc|desc.`,
    };
  }
  return { descending: match[1]?.toLowerCase() === "desc" };
}
