import type { JsonObject, JsonValue } from "../json.ts";
import { MIN_DATE_TIME_OFFSET } from "./date-time-offset.ts";
import {
  unqualified,
  type EntitySchema,
  type GraphSchema,
  type PropertySchema,
} from "./metadata-schema.ts";

/**
 * How a stored object reads in one Graph version, as the service returns it with
 * `odata.metadata=minimal`: `id` first, then every property the version's schema declares (so a
 * beta-only property never shows on v1.0, even though both versions share one store), unset
 * values as the service shows them (`null`, `[]`, the enum's zero member, `false`,
 * `0001-01-01T00:00:00Z`), and `@odata.type` only on polymorphic values. The deprecated properties
 * a beta PATCH still accepts are not returned: the current metadata no longer has them.
 *
 * `select`, when given, limits the properties to those names (`id` is always returned).
 */
export function renderEntity(
  schema: GraphSchema,
  entity: EntitySchema,
  stored: JsonObject,
  select?: ReadonlySet<string>,
): JsonObject {
  const result: JsonObject = {};
  for (const property of entity.properties) {
    // Accepted on a beta PATCH but gone from the metadata, the SDK and the types: never returned.
    if (property.deprecated) continue;
    if (select && property.name !== "id" && !select.has(property.name)) continue;
    result[property.name] = renderProperty(schema, property, stored[property.name]);
  }
  return result;
}

function renderProperty(
  schema: GraphSchema,
  property: PropertySchema,
  value: JsonValue | undefined,
): JsonValue {
  if (value === undefined) return unsetValue(property);
  if (value === null) return property.isCollection ? [] : null;
  if (property.isCollection) {
    return Array.isArray(value)
      ? value.map((element) => renderSingle(schema, property, element))
      : [];
  }
  return renderSingle(schema, property, value);
}

function renderSingle(schema: GraphSchema, property: PropertySchema, value: JsonValue): JsonValue {
  if (
    property.type.kind !== "complex" ||
    value === null ||
    typeof value !== "object" ||
    Array.isArray(value)
  )
    return value;
  const annotated = value["@odata.type"];
  const typeName = typeof annotated === "string" ? unqualified(annotated) : property.type.name;
  const type = schema.complexTypes.get(typeName);
  if (!type) return value;
  const result: JsonObject = {};
  if (typeof annotated === "string") result["@odata.type"] = annotated;
  for (const nested of type.properties)
    result[nested.name] = renderProperty(schema, nested, value[nested.name]);
  return result;
}

/** What the service shows for a property nobody set. */
function unsetValue(property: PropertySchema): JsonValue {
  if (property.isCollection) return [];
  if (property.nullable) return null;
  switch (property.type.kind) {
    case "boolean":
      return false;
    case "dateTimeOffset":
      return MIN_DATE_TIME_OFFSET;
    case "enum":
      return property.type.defaultMember;
    case "string":
      return "";
    case "complex":
      return null;
  }
}
