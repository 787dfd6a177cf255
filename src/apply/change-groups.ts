/**
 * The plan's changes as the applier handles them: grouped by tenant, kind and Graph version (one
 * `listCollection` reads each group), with what each change touches.
 */
import { UserError } from "../errors.ts";
import type { JsonValue } from "../json.ts";
import type { Plan, ResourceChange } from "../plan/model.ts";
import { findProperty, findResource } from "../resources/registry.ts";
import type { GraphVersion, PropertyType, ResourceDefinition } from "../resources/types.ts";
import type { ObjectRef } from "./model.ts";

/** The changes of one tenant, kind and Graph version: read with one `listCollection`. */
export interface ChangeGroup {
  readonly tenant: string;
  readonly resource: ResourceDefinition;
  readonly graphVersion: GraphVersion;
  readonly collectionPath: string;
  /** The `$select` for reading the collection: every property any change's fingerprint covers. */
  readonly select: string[];
  readonly changes: ResourceChange[];
}

/**
 * Groups changes by tenant, kind and Graph version, in the order first seen. Throws
 * `UserError` for a kind or property this tool does not know: such a plan was not
 * made by this version, and finding out before anything is written is the point.
 */
export function groupChanges(changes: readonly ResourceChange[]): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const change of changes) {
    const resource = findResource(change.kind);
    if (!resource) {
      throw new UserError(
        `the plan names the unknown kind ${change.kind} (${change.address}): make the plan again with this version`,
      );
    }
    for (const property of new Set([...propertiesOf(change), ...fingerprintPropertiesOf(change)])) {
      if (!findProperty(resource, change.graphVersion, property)) {
        throw new UserError(
          `the plan names the unknown property ${property} of ${change.kind} in Graph ${change.graphVersion} (${change.address}): make the plan again with this version`,
        );
      }
    }
    const key = JSON.stringify([change.tenant, change.kind, change.graphVersion]);
    let group = groups.get(key);
    if (!group) {
      group = {
        tenant: change.tenant,
        resource,
        graphVersion: change.graphVersion,
        collectionPath: change.collectionPath,
        select: [],
        changes: [],
      };
      groups.set(key, group);
    }
    // What the fingerprints cover (the changed properties among them): the declared ones only,
    // as `plan` read them; never a property the configuration does not mention.
    for (const property of fingerprintPropertiesOf(change)) {
      if (!group.select.includes(property)) group.select.push(property);
    }
    group.changes.push(change);
  }
  return [...groups.values()];
}

/** The type of a property of a change's kind; `groupChanges` has checked that it exists. */
export function propertyTypeOf(change: ResourceChange, property: string): PropertyType {
  const resource = findResource(change.kind);
  const found = resource && findProperty(resource, change.graphVersion, property);
  if (!found) throw new Error(`internal error: unknown property ${property} of ${change.kind}`);
  return found.type;
}

/** The tenant of a non-empty group made by `groupByTenant`. */
export function tenantOfGroup(group: readonly { readonly tenant: string }[]): string {
  return group[0]?.tenant ?? "";
}

/** Items grouped by tenant, tenants in order of first appearance. */
export function groupByTenant<T extends { readonly tenant: string }>(items: readonly T[]): T[][] {
  const byTenant = new Map<string, T[]>();
  for (const item of items) {
    const list = byTenant.get(item.tenant) ?? [];
    list.push(item);
    byTenant.set(item.tenant, list);
  }
  return [...byTenant.values()];
}

/** The subset, in the plan's order (results and writes follow the plan, not completion order). */
export function inPlanOrder(plan: Plan, subset: readonly ResourceChange[]): ResourceChange[] {
  const wanted = new Set(subset);
  return plan.changes.filter((change) => wanted.has(change));
}

/**
 * The properties the plan's fingerprint covers: `declaredProperties`, which `createPlan` always
 * records. A plan built by hand without it is fingerprinted over its changed properties.
 */
export function fingerprintPropertiesOf(change: ResourceChange): readonly string[] {
  return change.declaredProperties ?? propertiesOf(change);
}

export function propertiesOf(change: ResourceChange): string[] {
  return change.changes.map((propertyChange) => propertyChange.property);
}

export function refOf(change: ResourceChange): ObjectRef {
  return {
    address: change.address,
    tenant: change.tenant,
    kind: change.kind,
    graphVersion: change.graphVersion,
    liveId: change.liveId,
  };
}

/** Values in messages: JSON, cut short so that a long assignment list stays one readable line. */
export function showValue(value: JsonValue | undefined): string {
  if (value === undefined) return "absent";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
