import { z } from "./zod.ts";

/**
 * Described zod schemas, shared by the configuration's schema (`config/schema.ts`) and the
 * property types' value schemas (`resources/property-types/`): a description for editors, the
 * JSON Schema and the docs, and what the field expects in words for diagnostics.
 */

/** What a field expects, in words, for diagnostics (not part of the JSON Schema). */
export interface FieldHelp {
  /** e.g. "a GUID", "an absolute http(s) URL". */
  readonly expected: string;
  /** A value to show in "what to do" lines. */
  readonly example?: string;
}
export const fieldHelp = z.registry<FieldHelp>();

/** Attaches a description (for editors and docs) and diagnostic help to a schema. */
export function field<T extends z.ZodType>(schema: T, description: string, help?: FieldHelp): T {
  const described = schema.meta({ description });
  if (help) fieldHelp.add(described, help);
  return described;
}

export const guidField = (description: string, example = "00000000-0000-0000-0000-000000000000") =>
  field(z.guid(), description, { expected: "a GUID (8-4-4-4-12 hexadecimal digits)", example });

export const nonEmptyField = (description: string, example?: string) =>
  field(z.string().min(1), description, {
    expected: "non-empty text",
    ...(example ? { example } : {}),
  });
