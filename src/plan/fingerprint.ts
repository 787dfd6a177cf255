import { propertyTypeOf } from "../resources/registry.ts";
import type { LiveObject } from "../live-object.ts";
import type { JsonObject } from "../json.ts";
import type { GraphVersion, ResourceDefinition } from "../resources/types.ts";
import { canonicalJson, sha256Hex } from "../canonical-json.ts";
import { normaliseValue } from "./normalise.ts";

/**
 * sha256 (hex) of the canonical JSON of the NORMALISED values of `properties` (the declared ones)
 * on a live object: `{ "<property>": <normalised value>, … }` with sorted keys, an absent
 * property counting as `null`. So a re-read that differs only in noise (another offset for the
 * same instant, assignments in another order, annotations) has the same fingerprint, and any
 * change to a managed value does not. Properties outside the list never affect it: the applier
 * only cares whether what it is about to overwrite is what the plan saw.
 */
export function fingerprintObject(
  resource: ResourceDefinition,
  version: GraphVersion,
  object: LiveObject,
  properties: readonly string[],
): string {
  const values: JsonObject = {};
  for (const property of properties) {
    const type = propertyTypeOf(resource, version, property);
    values[property] = normaliseValue(type, object[property], version) ?? null;
  }
  return fingerprintValues(values);
}

/** The same fingerprint from values already normalised (`{ property: normalised value }`). */
export function fingerprintValues(normalised: JsonObject): string {
  return sha256Hex(canonicalJson(normalised));
}
