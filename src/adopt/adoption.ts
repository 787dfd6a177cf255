import type { DesiredObject, DesiredState } from "../config/model.ts";
import type { JsonValue } from "../json.ts";
import type { Plan } from "../plan/model.ts";

/** One live value to write back into the configuration. */
export interface Adoption {
  readonly address: string;
  readonly object: DesiredObject;
  readonly property: string;
  readonly declared: JsonValue;
  /** The live value, normalised as the plan shows it: what the YAML will say. */
  readonly live: JsonValue;
}

/** A drifted object declared for several tenants: one tenant's value cannot be written for all. */
export interface SharedObject {
  readonly address: string;
  readonly object: DesiredObject;
  readonly tenants: readonly string[];
  readonly properties: readonly string[];
}

/**
 * What `adopt` would write: the live values of the drifted declared properties of one tenant's
 * objects (narrowed to one object and one property on request), apart from objects another
 * tenant shares, which are returned as such.
 */
export function planAdoption(
  plan: Plan,
  state: DesiredState,
  selection: { readonly tenant: string; readonly object?: string; readonly property?: string },
): { readonly adoptions: readonly Adoption[]; readonly shared: readonly SharedObject[] } {
  const adoptions: Adoption[] = [];
  const shared: SharedObject[] = [];
  for (const change of plan.changes) {
    if (change.tenant !== selection.tenant) continue;
    if (selection.object !== undefined && change.name !== selection.object) continue;
    const properties = change.changes.filter(
      (property) => selection.property === undefined || property.property === selection.property,
    );
    if (properties.length === 0) continue;
    const object = state.objects.find(
      (candidate) =>
        candidate.kind === change.kind &&
        candidate.tenant === change.tenant &&
        candidate.name === change.name,
    );
    if (object === undefined) continue;
    const tenants = tenantsOfDocument(state, object);
    if (tenants.length > 1) {
      shared.push({
        address: change.address,
        object,
        tenants,
        properties: properties.map((property) => property.property),
      });
      continue;
    }
    for (const property of properties) {
      adoptions.push({
        address: change.address,
        object,
        property: property.property,
        declared: property.after,
        live: property.before ?? null,
      });
    }
  }
  return { adoptions, shared };
}

/** The tenants the object's document is declared for (one object per tenant, same document). */
function tenantsOfDocument(state: DesiredState, object: DesiredObject): string[] {
  return state.objects
    .filter(
      (candidate) =>
        candidate.kind === object.kind &&
        candidate.source.file === object.source.file &&
        candidate.source.line === object.source.line &&
        candidate.source.column === object.source.column,
    )
    .map((candidate) => candidate.tenant)
    .sort();
}
