import { field, guidField, nonEmptyField } from "../../schema-field.ts";
import { z } from "../../zod.ts";
import {
  ASSIGNMENT_FILTER_TYPES,
  ASSIGNMENT_ODATA_TYPE,
  ASSIGNMENT_TARGET_BASE_PROPERTIES,
  targetTypeName,
  targetTypesOf,
} from "../assignment-targets.ts";
import type { GraphVersion } from "../types.ts";

/**
 * The configuration's schema of an assignment collection: a list of `{ target }`, the target
 * told apart by its `@odata.type` (with or without the leading `#`), with the members its type
 * has in the given Graph versions.
 */

/** Properties of assignment targets whose meaning the registry states only by name. */
const TARGET_PROPERTY_SCHEMAS: Readonly<Record<string, () => z.ZodType>> = {
  groupId: () => guidField("Id of the Entra ID group.", "4f1c2d3e-8a9b-4c7d-9e0f-1a2b3c4d5e6f"),
  collectionId: () => nonEmptyField("Id of the Configuration Manager collection.", "SMS00001"),
  deviceAndAppManagementAssignmentFilterId: () =>
    field(
      z.guid().nullable(),
      "Id of the assignment filter to apply (Graph beta only). May be null.",
      {
        expected: "a GUID (8-4-4-4-12 hexadecimal digits)",
      },
    ).optional(),
  deviceAndAppManagementAssignmentFilterType: () =>
    field(
      z.enum(ASSIGNMENT_FILTER_TYPES),
      "How the assignment filter applies (Graph beta only). Default: none.",
    ).optional(),
};

function targetPropertySchema(property: string): z.ZodType {
  return TARGET_PROPERTY_SCHEMAS[property]?.() ?? nonEmptyField(property);
}

function baseTargetProperties(versions: readonly GraphVersion[]): string[] {
  return [...new Set(versions.flatMap((version) => ASSIGNMENT_TARGET_BASE_PROPERTIES[version]))];
}

/** A concrete assignment target, told apart by `@odata.type` (with or without the leading `#`). */
export function assignmentTargetSchema(versions: readonly GraphVersion[]) {
  const base = baseTargetProperties(versions);
  const options = targetTypesOf(versions).map((type) =>
    z.strictObject({
      "@odata.type": field(
        z.enum([type.odataType, type.odataType.slice(1)]),
        `The target type: ${targetTypeName(type.odataType)}.`,
      ),
      ...Object.fromEntries(
        type.properties.map((property) => [property, targetPropertySchema(property)]),
      ),
      ...Object.fromEntries(base.map((property) => [property, targetPropertySchema(property)])),
    }),
  );
  return field(
    z.discriminatedUnion(
      "@odata.type",
      options as [(typeof options)[number], ...(typeof options)[number][]],
    ),
    "Who the assignment targets, identified by its @odata.type.",
    {
      expected: 'a mapping with an "@odata.type"',
      example: '{ "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: <GUID> }',
    },
  );
}

export function assignmentsSchema(versions: readonly GraphVersion[]) {
  return z.array(
    z.strictObject({
      "@odata.type": field(
        z.enum([ASSIGNMENT_ODATA_TYPE, ASSIGNMENT_ODATA_TYPE.slice(1)]),
        "Optional: the assignment's own type, as Graph's examples write it.",
      ).optional(),
      target: assignmentTargetSchema(versions),
    }),
  );
}
