import { describe, expect, it } from "vitest";
import { graphSchemas, type PropertySchema } from "../../src/emulator/metadata-schema.ts";
import {
  ASSIGNMENT_FILTER_TYPES,
  ASSIGNMENT_TARGET_BASE_PROPERTIES,
  GRAPH_VERSIONS,
  RESOURCES,
  assignmentTargetTypes,
  type PropertyDefinition,
} from "../../src/resources/index.ts";

/**
 * The tool's resource tables (src/resources/) and the emulator's schema (built from Microsoft's
 * metadata) are written independently on purpose; this is where they must agree.
 */
const schemas = graphSchemas();

function describeEmulatorType(property: PropertySchema): string {
  const { type } = property;
  if (type.kind === "enum") return `enum ${type.name}: ${[...type.members].sort().join(",")}`;
  if (type.kind === "complex")
    return `${property.isCollection ? "collection of " : ""}${type.name}`;
  return type.kind;
}

function describeResourceType(property: PropertyDefinition): string {
  const { type } = property;
  switch (type.kind) {
    case "enum":
      return `enum ${type.enumType}: ${[...type.members].sort().join(",")}`;
    case "assignments":
      return "collection of deviceManagementPartnerAssignment";
    case "url":
      return "string";
    default:
      return type.kind;
  }
}

describe.each(GRAPH_VERSIONS)(
  "src/resources agrees with the emulator's metadata schema (%s)",
  (version) => {
    it.each(RESOURCES.map((resource) => [resource.kind, resource] as const))(
      "%s",
      (_kind, resource) => {
        const entity = [...schemas[version].collections.values()].find(
          (candidate) => candidate.collectionPath === resource.collectionPath,
        );
        expect(entity?.typeName).toBe(resource.graphType);
        const fromMetadata = Object.fromEntries(
          entity!.properties
            .filter((property) => property.name !== "id")
            .map((property) => [
              property.name,
              {
                type: describeEmulatorType(property),
                nullable: property.nullable,
                deprecated: property.deprecated !== undefined,
              },
            ]),
        );
        const fromResources = Object.fromEntries(
          resource.properties[version].map((property) => [
            property.name,
            {
              type: describeResourceType(property),
              nullable: property.nullable,
              deprecated: property.deprecated !== undefined,
            },
          ]),
        );
        expect(fromResources).toEqual(fromMetadata);
      },
    );

    it("assignment targets", () => {
      const base = schemas[version].complexTypes.get("deviceAndAppManagementAssignmentTarget")!;
      expect([...ASSIGNMENT_TARGET_BASE_PROPERTIES[version]].sort()).toEqual(
        base.properties.map((property) => property.name).sort(),
      );
      const fromResources = Object.fromEntries(
        assignmentTargetTypes(version).map((target) => [
          target.odataType,
          [...target.properties].sort(),
        ]),
      );
      const fromMetadata = Object.fromEntries(
        base.assignableTypes.map((name) => {
          const own = schemas[version].complexTypes
            .get(name)!
            .properties.map((property) => property.name);
          return [
            `#microsoft.graph.${name}`,
            own
              .filter((property) => !ASSIGNMENT_TARGET_BASE_PROPERTIES[version].includes(property))
              .sort(),
          ];
        }),
      );
      expect(fromResources).toEqual(fromMetadata);
      const filterType = base.properties.find(
        (property) => property.name === "deviceAndAppManagementAssignmentFilterType",
      );
      if (filterType?.type.kind === "enum")
        expect([...ASSIGNMENT_FILTER_TYPES].sort()).toEqual([...filterType.type.members].sort());
    });
  },
);
