import { findProperty } from "../resources/registry.ts";
import type { GraphVersion, PropertyType, ResourceDefinition } from "../resources/types.ts";

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
