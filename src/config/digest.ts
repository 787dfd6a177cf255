import { canonicalJsonSha256 } from "../canonical-json.ts";
import type { DesiredObject, TenantConfig } from "./model.ts";

/**
 * `DesiredState.digest`: sha256 (hex) of the canonical JSON of the tenants and objects without
 * their source locations, so moving a document to another file, reordering keys or editing
 * comments keeps the digest, and any change to what would be managed changes it (a tenant's
 * health thresholds do not: they are not managed).
 */
export function desiredStateDigest(
  tenants: readonly TenantConfig[],
  objects: readonly DesiredObject[],
): string {
  const data = {
    // Health thresholds change what is reported, not what would be written: a saved plan stays
    // valid when they change.
    tenants: tenants.map(({ source: _source, health: _health, ...tenant }) => tenant),
    objects: objects.map(
      ({ source: _source, propertySources: _sources, acceptances, ...object }) => ({
        ...object,
        // Where an acceptance is written is layout, like the object's own source.
        ...(acceptances === undefined
          ? {}
          : { acceptances: acceptances.map(({ source: _at, ...acceptance }) => acceptance) }),
      }),
    ),
  };
  return canonicalJsonSha256(data);
}
