import type { Diagnostic } from "../diagnostics.ts";
import { formatLocation } from "../diagnostics.ts";
import type { ObjectMatch } from "./model.ts";
import type { ObjectDeclaration } from "./objects.ts";
import { listWords } from "./suggest.ts";

/**
 * One live object may be managed by one declaration only. Two documents collide in a tenant when
 * they have the same kind and either the same name (the plan address would be ambiguous) or the
 * same match (both would write the same live object). Reported once per pair of documents, at the
 * later one, naming the earlier one and the tenants where they collide.
 */
export function checkDuplicateObjects(
  declarations: readonly ObjectDeclaration[],
  diagnostics: Diagnostic[],
): void {
  type Seen = { declaration: ObjectDeclaration };
  const byName = new Map<string, Seen>();
  const byMatch = new Map<string, Seen>();
  /** Pair of documents and reason → tenants. */
  const collisions = new Map<
    string,
    {
      first: ObjectDeclaration;
      second: ObjectDeclaration;
      reason: "name" | "match";
      tenants: string[];
    }
  >();
  const record = (
    first: ObjectDeclaration,
    second: ObjectDeclaration,
    reason: "name" | "match",
    tenant: string,
  ) => {
    const key = `${documentKey(first)}|${documentKey(second)}`;
    const existing = collisions.get(key);
    // A pair that shares the name is reported as that; sharing the match too adds nothing.
    if (existing) {
      if (existing.reason === reason && !existing.tenants.includes(tenant))
        existing.tenants.push(tenant);
      return;
    }
    collisions.set(key, { first, second, reason, tenants: [tenant] });
  };
  for (const declaration of declarations) {
    for (const tenant of declaration.tenants) {
      if (declaration.name !== undefined) {
        const key = `${declaration.resource.kind}|${tenant}|${declaration.name}`;
        const first = byName.get(key);
        if (first) record(first.declaration, declaration, "name", tenant);
        else byName.set(key, { declaration });
      }
      if (declaration.match) {
        const key = `${declaration.resource.kind}|${tenant}|${matchKey(declaration.match)}`;
        const first = byMatch.get(key);
        if (first && first.declaration !== declaration)
          record(first.declaration, declaration, "match", tenant);
        else if (!first) byMatch.set(key, { declaration });
      }
    }
  }
  for (const { first, second, reason, tenants } of collisions.values()) {
    const where = `tenant${tenants.length > 1 ? "s" : ""} ${listWords(tenants, "and")}`;
    const firstAt = formatLocation(reason === "name" ? first.nameSource : first.matchSource);
    diagnostics.push(
      reason === "name"
        ? {
            severity: "error",
            code: "duplicate-object",
            summary: `${second.resource.kind} "${second.name}" is declared twice in ${where}`,
            detail: `the other declaration is at ${firstAt}: remove one, or give them different names`,
            source: second.nameSource,
          }
        : {
            severity: "error",
            code: "duplicate-object",
            summary: `${second.resource.kind} "${second.name ?? "?"}" and "${first.name ?? "?"}" both match ${describeMatch(second.match!)} in ${where}`,
            detail: `the other declaration is at ${firstAt}; a live object can be managed by one declaration only: remove one, or match different objects`,
            source: second.matchSource,
          },
    );
  }
}

function documentKey(declaration: ObjectDeclaration): string {
  return declaration.documentKey;
}

/**
 * Display names are compared ignoring case: two declarations whose names differ only in case are
 * almost certainly meant for the same object, and which one wins should not depend on matching rules.
 */
function matchKey(match: ObjectMatch): string {
  return match.by === "id"
    ? `id:${match.id.toLowerCase()}`
    : `displayName:${match.displayName.toLowerCase()}`;
}

function describeMatch(match: ObjectMatch): string {
  return match.by === "id" ? `id ${match.id}` : `displayName ${JSON.stringify(match.displayName)}`;
}
