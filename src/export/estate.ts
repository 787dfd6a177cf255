import type { DesiredObject } from "../config/model.ts";
import type { SourceLocation } from "../diagnostics.ts";
import type { LiveObject } from "../live-object.ts";
import type { JsonValue } from "../json.ts";
import { liveMatches } from "../plan/planner.ts";
import { RESOURCES } from "../resources/registry.ts";
import type { ResourceDefinition } from "../resources/types.ts";

/**
 * Export into an existing estate: which live objects of a tenant an export must leave out, so
 * that what it writes joins the configuration and it still validates and plans.
 * - Already declared: a declared object of the tenant (say `tenants: all`) selects it by its
 *   `match`. Declaring it again would match one live object twice. Listed, never written.
 * - Not set up: a row the service lists although nobody set it up (the resource's `notSetUp`,
 *   e.g. a remote assistance partner `notOnboarded` without a URL). Left out unless asked, and
 *   counted.
 * Pure: the caller reads Graph and the configuration.
 */
export interface AlreadyDeclared {
  readonly kind: string;
  readonly liveId: string;
  readonly displayName: string | null;
  /** The declared object's `metadata.name` and where it is written. */
  readonly declaredAs: string;
  readonly source: SourceLocation;
}

export interface NotSetUp {
  readonly kind: string;
  readonly liveId: string;
  readonly displayName: string | null;
}

export interface EstateSorting {
  /** Live ids the export must not write. */
  readonly skip: ReadonlySet<string>;
  readonly alreadyDeclared: readonly AlreadyDeclared[];
  /** Rows left out as not set up (empty when they are included). */
  readonly notSetUp: readonly NotSetUp[];
  /** `metadata.name`s the tenant declares, per kind: an exported object must take another. */
  readonly takenNames: ReadonlyMap<string, ReadonlySet<string>>;
}

export function sortOutEstate(input: {
  readonly tenant: string;
  readonly objectsByKind: ReadonlyMap<string, readonly LiveObject[]>;
  /** Every declared object of the configuration (other tenants' are ignored). */
  readonly declared: readonly DesiredObject[];
  readonly includeNotSetUp: boolean;
}): EstateSorting {
  const skip = new Set<string>();
  const alreadyDeclared: AlreadyDeclared[] = [];
  const notSetUp: NotSetUp[] = [];
  const takenNames = new Map<string, Set<string>>();
  for (const resource of RESOURCES) {
    const live = input.objectsByKind.get(resource.kind) ?? [];
    const declared = input.declared.filter(
      (object) => object.tenant === input.tenant && object.kind === resource.kind,
    );
    takenNames.set(resource.kind, new Set(declared.map((object) => object.name)));
    for (const object of declared) {
      for (const match of liveMatches(object.match, resource, live)) {
        if (skip.has(match.id)) continue;
        skip.add(match.id);
        alreadyDeclared.push({
          kind: resource.kind,
          liveId: match.id,
          displayName: displayName(match),
          declaredAs: object.name,
          source: object.source,
        });
      }
    }
    if (input.includeNotSetUp) continue;
    for (const object of live) {
      if (skip.has(object.id) || !isNotSetUp(resource, object)) continue;
      skip.add(object.id);
      notSetUp.push({ kind: resource.kind, liveId: object.id, displayName: displayName(object) });
    }
  }
  return { skip, alreadyDeclared, notSetUp, takenNames };
}

/** Whether every property the resource's `notSetUp` lists holds its value (null: unset or ""). */
export function isNotSetUp(resource: ResourceDefinition, object: LiveObject): boolean {
  const pattern = resource.notSetUp;
  if (pattern === undefined) return false;
  return Object.entries(pattern).every(([property, expected]) =>
    expected === null ? isUnset(object[property]) : object[property] === expected,
  );
}

function isUnset(value: JsonValue | undefined): boolean {
  return value === undefined || value === null || value === "";
}

function displayName(object: LiveObject): string | null {
  return typeof object.displayName === "string" ? object.displayName : null;
}
