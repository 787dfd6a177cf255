import { DeviceManagementPartner } from "./device-management-partner.ts";
import { RemoteAssistancePartner } from "./remote-assistance-partner.ts";
import type {
  GraphVersion,
  PropertyDefinition,
  PropertyType,
  ResourceDefinition,
} from "./types.ts";

/** Every kind the tool manages, one line each. Order is the order plans list kinds in. */
export const RESOURCES: readonly ResourceDefinition[] = [
  RemoteAssistancePartner,
  DeviceManagementPartner,
];

/** Looks a kind up by its YAML `kind`; undefined for an unknown kind. */
export function findResource(kind: string): ResourceDefinition | undefined {
  return RESOURCES.find((resource) => resource.kind === kind);
}

/** Looks a kind up by its YAML `kind`, for callers holding an already validated name. */
export function getResource(kind: string): ResourceDefinition {
  const resource = findResource(kind);
  if (!resource) throw new Error(`unknown resource kind ${kind}`);
  return resource;
}

/** The property table of a kind in one Graph version. */
export function propertiesOf(
  resource: ResourceDefinition,
  version: GraphVersion,
): readonly PropertyDefinition[] {
  return resource.properties[version];
}

/** One property of a kind in one Graph version, or undefined when that version lacks it. */
export function findProperty(
  resource: ResourceDefinition,
  version: GraphVersion,
  name: string,
): PropertyDefinition | undefined {
  return resource.properties[version].find((property) => property.name === name);
}

/**
 * A property's type from the registry. A name the registry does not know (the config loader
 * rejects those, so only a bug or a hand-made plan gets here) is compared exactly, like a string:
 * the strictest comparison, so nothing is hidden.
 */
export function propertyTypeOf(
  resource: ResourceDefinition | undefined,
  version: GraphVersion,
  property: string,
): PropertyType {
  const definition = resource ? findProperty(resource, version, property) : undefined;
  return definition?.type ?? EXACT;
}

const EXACT: PropertyType = { kind: "string" };
