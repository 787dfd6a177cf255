import { z } from "../zod.ts";
import { fieldHelp, type FieldHelp } from "./schema.ts";
import type { Path } from "./yaml-document.ts";

/**
 * Reads the zod schemas back, so that diagnostics describe a field with the same words the JSON
 * Schema and the docs use: what a field expects, its example, and which keys a mapping knows.
 */

/** What the schema says about one field. */
export interface FieldInfo {
  readonly expected: string;
  readonly example?: string;
  readonly description?: string;
  readonly nullable: boolean;
  /** The keys a mapping field knows, in schema order (undefined for other fields). */
  readonly knownKeys?: readonly string[];
}

/** The schema validating the value at `path` of `data`, following the data through unions. */
export function schemaAt(root: z.ZodType, path: Path, data: unknown): z.ZodType | undefined {
  let schema: z.ZodType | undefined = root;
  let value = data;
  for (const segment of path) {
    if (!schema) return undefined;
    const inner = pickOption(unwrap(schema), value);
    if (inner instanceof z.ZodObject && typeof segment === "string") {
      const shape = inner.shape as Record<string, z.ZodType>;
      schema = Object.hasOwn(shape, segment) ? shape[segment] : undefined;
    } else if (inner instanceof z.ZodArray && typeof segment === "number") {
      schema = inner.element as z.ZodType;
    } else if (inner instanceof z.ZodRecord) {
      schema = inner.valueType as z.ZodType;
    } else {
      return undefined;
    }
    value = childOf(value, segment);
  }
  return schema;
}

export function fieldInfo(schema: z.ZodType | undefined, data?: unknown): FieldInfo {
  if (!schema) return { expected: "a value", nullable: false };
  let help: FieldHelp | undefined;
  let description: string | undefined;
  let nullable = false;
  let current: z.ZodType = schema;
  for (;;) {
    help ??= fieldHelp.get(current);
    description ??= current.description;
    if (current instanceof z.ZodNullable) nullable = true;
    const next = unwrapOnce(current);
    if (next === current) break;
    current = next;
  }
  const inner = pickOption(current, data);
  const knownKeys = inner instanceof z.ZodObject ? Object.keys(inner.shape) : undefined;
  return {
    expected: help?.expected ?? expectedOf(current),
    ...(help?.example !== undefined ? { example: help.example } : {}),
    ...(description !== undefined ? { description } : {}),
    nullable,
    ...(knownKeys ? { knownKeys } : {}),
  };
}

/** For a discriminated union (possibly optional or nullable): its discriminator and every value it takes. */
export function discriminatorValues(
  schema: z.ZodType | undefined,
): { discriminator: string; values: string[] } | undefined {
  const inner = schema ? unwrap(schema) : undefined;
  if (!(inner instanceof z.ZodDiscriminatedUnion)) return undefined;
  const discriminator = (inner.def as { discriminator: string }).discriminator;
  const values = (inner.options as z.ZodType[]).flatMap((option) => {
    const field =
      option instanceof z.ZodObject
        ? (option.shape as Record<string, z.ZodType>)[discriminator]
        : undefined;
    const base = field ? unwrap(field) : undefined;
    if (base instanceof z.ZodLiteral) return [...(base.values as Set<unknown>)].map(String);
    if (base instanceof z.ZodEnum) return base.options as string[];
    return [];
  });
  return { discriminator, values };
}

/** The words for what a schema accepts, when no help was attached to it. */
function expectedOf(schema: z.ZodType): string {
  if (schema instanceof z.ZodEnum) return `one of ${(schema.options as string[]).join(", ")}`;
  if (schema instanceof z.ZodLiteral)
    return [...(schema.values as Set<unknown>)].map(String).join(" or ");
  if (schema instanceof z.ZodBoolean) return "true or false";
  if (schema instanceof z.ZodNumber) return "a number";
  if (schema instanceof z.ZodString) return "text";
  if (schema instanceof z.ZodArray) return "a list";
  if (schema instanceof z.ZodDiscriminatedUnion) return "a mapping";
  if (schema instanceof z.ZodUnion) {
    return (schema.options as z.ZodType[])
      .map((option) => fieldInfo(option).expected)
      .join(", or ");
  }
  if (schema instanceof z.ZodObject || schema instanceof z.ZodRecord) return "a mapping";
  return "a value";
}

function unwrapOnce(schema: z.ZodType): z.ZodType {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault
  ) {
    return schema.unwrap() as z.ZodType;
  }
  return schema;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let next = unwrapOnce(current); next !== current; next = unwrapOnce(current)) current = next;
  return current;
}

/** For a union, the option the data is meant for; any other schema is returned as it is. */
function pickOption(schema: z.ZodType, data: unknown): z.ZodType {
  if (!(schema instanceof z.ZodUnion)) return schema;
  const options = (schema.options as z.ZodType[]).map(unwrap);
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const discriminator = (schema.def as { discriminator: string }).discriminator;
    const value = childOf(data, discriminator);
    const chosen = options.find(
      (option) =>
        option instanceof z.ZodObject &&
        (option.shape as Record<string, z.ZodType>)[discriminator]?.safeParse(value).success,
    );
    return chosen ?? schema;
  }
  const parsed = options.find((option) => option.safeParse(data).success);
  if (parsed) return pickOption(parsed, data);
  const shaped = options.find((option) =>
    Array.isArray(data)
      ? option instanceof z.ZodArray
      : isMapping(data)
        ? option instanceof z.ZodObject || option instanceof z.ZodUnion
        : !(option instanceof z.ZodArray || option instanceof z.ZodObject),
  );
  return shaped ? pickOption(shaped, data) : schema;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function childOf(value: unknown, segment: string | number): unknown {
  if (Array.isArray(value)) return typeof segment === "number" ? value[segment] : undefined;
  if (isMapping(value) && typeof segment === "string") {
    return Object.hasOwn(value, segment) ? value[segment] : undefined;
  }
  return undefined;
}

export function valueAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const segment of path) current = childOf(current, segment);
  return current;
}
