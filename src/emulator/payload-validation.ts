import type { JsonObject, JsonValue } from "../json.ts";
import { normalizeDateTimeOffset } from "./date-time-offset.ts";
import {
  GRAPH_NAMESPACE,
  unqualified,
  type ComplexTypeSchema,
  type EntitySchema,
  type GraphSchema,
  type PropertySchema,
  type ValueType,
} from "./metadata-schema.ts";

/**
 * Checks a PATCH body (or a seed object) against one Graph version's schema, the way Graph's
 * OData reader does, and returns it in the stored form: DateTimeOffset values in the canonical
 * 7-digit UTC form, `@odata.type` only on polymorphic values and always with the leading `#`.
 * The message of the first problem follows the OData library's wording where it has one.
 */
export type ValidationResult =
  | { readonly ok: true; readonly value: JsonObject }
  | { readonly ok: false; readonly message: string };

class PayloadError extends Error {
  override name = "PayloadError";
}

export function validateEntityPayload(
  schema: GraphSchema,
  entity: EntitySchema,
  body: unknown,
): ValidationResult {
  try {
    if (!isPlainObject(body)) throw new PayloadError(unexpectedNode(body, "StartObject"));
    const value: JsonObject = {};
    for (const [key, item] of Object.entries(body)) {
      if (key === "@odata.type") {
        checkTypeAnnotation(schema, item, entity.typeName, [entity.typeName]);
        continue;
      }
      // Other annotations (`@odata.context`, `@odata.etag`, `x@odata.type`) carry no state.
      if (key.includes("@")) continue;
      const property = entity.properties.find((candidate) => candidate.name === key);
      if (!property) throw new PayloadError(unknownProperty(key, entity.typeName));
      value[key] = readProperty(schema, property, item);
    }
    return { ok: true, value };
  } catch (error) {
    if (error instanceof PayloadError) return { ok: false, message: error.message };
    throw error;
  }
}

function readProperty(schema: GraphSchema, property: PropertySchema, value: unknown): JsonValue {
  const typeName = property.isCollection
    ? `Collection(${property.type.edmName})`
    : property.type.edmName;
  if (value === null) {
    // OData never allows a null collection; Nullable on a collection is about its elements.
    if (property.isCollection || !property.nullable)
      throw new PayloadError(nullNotAllowed(property.name, typeName));
    return null;
  }
  if (!property.isCollection) return readSingle(schema, property, property.type, value);
  if (!Array.isArray(value))
    throw new PayloadError(unexpectedNode(value, "StartArray", property.name));
  return value.map((element: unknown) => {
    if (element !== null) return readSingle(schema, property, property.type, element);
    if (!property.nullable)
      throw new PayloadError(nullNotAllowed(property.name, property.type.edmName));
    return null;
  });
}

function readSingle(
  schema: GraphSchema,
  property: PropertySchema,
  type: ValueType,
  value: unknown,
): JsonValue {
  if (type.kind === "complex") return readComplex(schema, property, type.name, value);
  if (typeof value === "object" && value !== null)
    throw new PayloadError(unexpectedNode(value, "PrimitiveValue", property.name));
  switch (type.kind) {
    case "string":
      if (typeof value !== "string")
        throw new PayloadError(cannotConvert(type.edmName, property.name));
      return value;
    case "boolean":
      if (typeof value !== "boolean")
        throw new PayloadError(cannotConvert(type.edmName, property.name));
      return value;
    case "dateTimeOffset": {
      if (typeof value !== "string")
        throw new PayloadError(cannotConvert(type.edmName, property.name));
      const normalized = normalizeDateTimeOffset(value);
      if (normalized === undefined) {
        throw new PayloadError(
          `Cannot convert the literal '${value}' to the expected type 'Edm.DateTimeOffset'.`,
        );
      }
      return normalized;
    }
    case "enum":
      if (typeof value !== "string")
        throw new PayloadError(cannotConvert(type.edmName, property.name));
      if (!type.members.includes(value)) {
        throw new PayloadError(
          `The value '${value}' of property '${property.name}' is not a member of the enum type '${type.edmName}'. Valid members: ${type.members.join(", ")}.`,
        );
      }
      return value;
  }
}

function readComplex(
  schema: GraphSchema,
  property: PropertySchema,
  declaredName: string,
  value: unknown,
): JsonObject {
  if (!isPlainObject(value))
    throw new PayloadError(unexpectedNode(value, "StartObject", property.name));
  const declared = complexType(schema, declaredName);
  const annotated = value["@odata.type"];
  let actual: ComplexTypeSchema = declared;
  if (annotated !== undefined) {
    actual = complexType(
      schema,
      checkTypeAnnotation(schema, annotated, declaredName, declared.assignableTypes),
    );
  } else if (declared.abstract) {
    throw new PayloadError(
      `The value of property '${property.name}' has the abstract type '${GRAPH_NAMESPACE}.${declaredName}': give a concrete type in '@odata.type' (one of ${declared.assignableTypes.map((name) => `#${GRAPH_NAMESPACE}.${name}`).join(", ")}).`,
    );
  }
  const result: JsonObject = {};
  // Keep the type only where a reader needs it to know what it holds: on polymorphic values.
  if (declared.assignableTypes.length > 1 || actual.name !== declaredName)
    result["@odata.type"] = `#${GRAPH_NAMESPACE}.${actual.name}`;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes("@")) continue;
    const nested = actual.properties.find((candidate) => candidate.name === key);
    if (!nested) throw new PayloadError(unknownProperty(key, actual.name));
    result[key] = readProperty(schema, nested, item);
  }
  const required = REQUIRED_MEMBERS.find(
    (rule) => rule.name === actual.name || isDerivedFrom(schema, actual.name, rule.name),
  );
  if (required && typeof result[required.member] !== "string") {
    throw new PayloadError(
      `The property '${required.member}' of '${GRAPH_NAMESPACE}.${actual.name}' is required: a ${required.what} without one targets nothing.`,
    );
  }
  return result;
}

/**
 * Members the metadata marks nullable that a careful service still requires: a group target
 * without its group would be stored as null and target nothing. Microsoft's SDK sends exactly
 * that (a serializer bug drops `groupId`), so the emulator refuses it as the service should.
 */
const REQUIRED_MEMBERS = [
  { name: "groupAssignmentTarget", member: "groupId", what: "group assignment target" },
] as const;

function isDerivedFrom(schema: GraphSchema, name: string, base: string): boolean {
  const type = schema.complexTypes.get(base);
  return type?.assignableTypes.includes(name) ?? false;
}

/** Checks an `@odata.type` value (with or without `#`) and returns the unqualified type name. */
function checkTypeAnnotation(
  schema: GraphSchema,
  value: unknown,
  expected: string,
  assignable: readonly string[],
): string {
  if (typeof value !== "string")
    throw new PayloadError("The '@odata.type' annotation must be a string.");
  const name = unqualified(value);
  const qualified = value.replace(/^#/, "");
  if (!qualified.startsWith(`${GRAPH_NAMESPACE}.`) || !assignable.includes(name)) {
    if (
      !qualified.startsWith(`${GRAPH_NAMESPACE}.`) ||
      !(
        schema.complexTypes.has(name) ||
        [...schema.collections.values()].some((entity) => entity.typeName === name)
      )
    ) {
      throw new PayloadError(
        `A type named '${qualified}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.`,
      );
    }
    throw new PayloadError(
      `A resource with type '${qualified}' was found, but it is not assignable to the expected type '${GRAPH_NAMESPACE}.${expected}'. The type specified in the resource must be equal to either the expected type or a derived type.`,
    );
  }
  return name;
}

function complexType(schema: GraphSchema, name: string): ComplexTypeSchema {
  const type = schema.complexTypes.get(name);
  if (!type) throw new Error(`complex type ${name} missing from the ${schema.version} schema`);
  return type;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nodeKind(value: unknown): string {
  if (Array.isArray(value)) return "StartArray";
  if (typeof value === "object" && value !== null) return "StartObject";
  return "PrimitiveValue";
}

function unexpectedNode(value: unknown, expected: string, propertyName?: string): string {
  const where = propertyName === undefined ? "" : ` for property named '${propertyName}'`;
  return `An unexpected '${nodeKind(value)}' node was found${where} when reading from the JSON reader. A '${expected}' node was expected.`;
}

function unknownProperty(name: string, typeName: string): string {
  return `The property '${name}' does not exist on type '${GRAPH_NAMESPACE}.${typeName}'. Make sure to only use property names that are defined by the type or mark the type as open type.`;
}

function cannotConvert(edmName: string, propertyName: string): string {
  return `Cannot convert a primitive value to the expected type '${edmName}' (property '${propertyName}'). See the inner exception for more details.`;
}

function nullNotAllowed(propertyName: string, typeName: string): string {
  return `A null value was found for the property named '${propertyName}', which has the expected type '${typeName}[Nullable=False]'. The expected type '${typeName}[Nullable=False]' does not allow null values.`;
}
