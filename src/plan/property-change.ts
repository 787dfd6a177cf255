import { canonicalJson, compareStrings } from "../canonical-json.ts";
import type { JsonObject, JsonValue } from "../json.ts";
import type { ElementDiff } from "../resources/property-types/behaviour.ts";
import { propertyBehaviour } from "../resources/property-types/registry.ts";
import { findResource, propertyTypeOf } from "../resources/registry.ts";
import type { GraphVersion, ResourceDefinition } from "../resources/types.ts";
import type { PropertyChange, ResourceChange } from "./model.ts";
import { elementChangesJson } from "./saved-plan-json.ts";

/** A property's change without its element changes: what a document holds, or the planner found. */
export interface PropertyValues {
  readonly property: string;
  readonly before: JsonValue | undefined;
  readonly after: JsonValue;
}

/**
 * A property's change as the plan holds it: `before` and `after`, and for a set-valued property
 * its element changes, computed here once by its property type (`elementDiff`) so that no
 * renderer computes them again. `createPlan` makes every change through this, and so does
 * reading a plan back from a document (a saved plan checks its own against it).
 */
export function propertyChange(
  resource: ResourceDefinition | undefined,
  version: GraphVersion,
  change: PropertyValues,
): PropertyChange {
  const { property, before, after } = change;
  const elementChanges = elementChangesOf(resource, version, change);
  return elementChanges === undefined
    ? { property, before, after }
    : { property, before, after, elementChanges };
}

/** The element changes of a set-valued property's change; undefined for any other property. */
export function elementChangesOf(
  resource: ResourceDefinition | undefined,
  version: GraphVersion,
  change: PropertyValues,
): ElementDiff | undefined {
  const type = propertyTypeOf(resource, version, change.property);
  return propertyBehaviour(type).elementDiff(change.before, change.after, version);
}

/**
 * Why element changes a document holds (in the saved plan's spelling) are not the ones the
 * property's type computes from the document's `before` and `after`, if they are not. The
 * order is not checked: the plan takes the computed ones, in their order.
 */
export function storedElementChangesProblem(
  resource: ResourceDefinition | undefined,
  version: GraphVersion,
  stored: JsonValue[],
  change: PropertyValues,
): string | undefined {
  const computed = elementChangesOf(resource, version, change);
  if (computed === undefined) {
    return `${change.property} is not a set-valued property: it has no element changes`;
  }
  // As sets: a file's values had secrets cut out after its element changes were listed, and a
  // cut can move an element in the sorted order (never turn one element into another).
  const asSet = (changes: readonly JsonValue[]) =>
    canonicalJson(changes.map((element) => canonicalJson(element)).sort(compareStrings));
  return asSet(stored) === asSet(elementChangesJson(computed))
    ? undefined
    : "must be the element changes from before to after (edited?)";
}

/** The keys of a change that the saved plan and `plan --format json` spell alike. */
export interface ChangeJsonCore {
  readonly address: string;
  readonly kind: string;
  readonly graph_type: string;
  readonly name: string;
  readonly tenant: string;
  readonly graph_version: GraphVersion;
  readonly collection_path: string;
  readonly live_id: string;
  readonly live_display_name: string | null;
  /** `before` absent only where JSON dropped an `undefined` (plans made by hand). */
  readonly property_changes: readonly {
    readonly property: string;
    readonly before?: JsonValue | undefined;
    readonly after: JsonValue;
  }[];
  readonly patch: JsonObject;
}

/**
 * Those keys read back into the model, in the model's order (the caller adds
 * `declaredProperties`, `fingerprint` and `mode`) (both documents' readers: `plan-schema.ts`,
 * `report/plan-json-reader.ts`), each property's element changes computed from its `before` and
 * `after` as `createPlan` computes them (a document's own are checked, or only shown, elsewhere).
 */
export function changeFromJson(
  json: ChangeJsonCore,
): Omit<ResourceChange, "declaredProperties" | "fingerprint" | "mode"> {
  const resource = findResource(json.kind);
  return {
    address: json.address,
    kind: json.kind,
    graphType: json.graph_type,
    name: json.name,
    tenant: json.tenant,
    graphVersion: json.graph_version,
    collectionPath: json.collection_path,
    liveId: json.live_id,
    liveDisplayName: json.live_display_name,
    changes: json.property_changes.map(({ property, before, after }) =>
      propertyChange(resource, json.graph_version, { property, before, after }),
    ),
    patch: json.patch,
  };
}
