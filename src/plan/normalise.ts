import type { JsonValue } from "../json.ts";
import { propertyBehaviour } from "../resources/property-types/registry.ts";
import type { GraphVersion, PropertyType } from "../resources/types.ts";
import { canonicalJson } from "../canonical-json.ts";

/**
 * The comparable form of a property value, so that two values Graph treats as the same compare
 * equal and two it treats as different do not (no false drift, no missed drift). Absent
 * (`undefined`) is `null`: Graph omits or nulls an unset property alike. Each type's rule is its
 * module's `normalise` in `src/resources/property-types/`: instants for `dateTimeOffset`, a sorted
 * set of `{ target }` for `assignments` (also what plans show as its live value), lower-case GUIDs
 * for a `string` that holds one, the value itself for the others (compared exactly).
 *
 * The applier uses this to verify its writes, so it never throws, whatever Graph sends.
 * The result is never `undefined`; the signature allows it for callers passing values through.
 */
export function normaliseValue(
  type: PropertyType,
  value: JsonValue | undefined,
  version: GraphVersion,
): JsonValue | undefined {
  return propertyBehaviour(type).normalise(value, version);
}

/** Whether two values of a property mean the same thing to Graph (see `normaliseValue`). */
export function valuesEqual(
  type: PropertyType,
  a: JsonValue | undefined,
  b: JsonValue | undefined,
  version: GraphVersion,
): boolean {
  return (
    canonicalJson(normaliseValue(type, a, version) ?? null) ===
    canonicalJson(normaliseValue(type, b, version) ?? null)
  );
}
