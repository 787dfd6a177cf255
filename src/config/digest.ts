import { createHash } from "node:crypto";
import type { JsonValue } from "../json.ts";
import type { DesiredObject, TenantConfig } from "./model.ts";

/**
 * `DesiredState.digest`: sha256 (hex) of the canonical JSON of the tenants and objects without
 * their source locations, so moving a document to another file, reordering keys or editing
 * comments keeps the digest, and any change to what would be managed changes it.
 */
export function desiredStateDigest(
  tenants: readonly TenantConfig[],
  objects: readonly DesiredObject[],
): string {
  const data = {
    tenants: tenants.map(({ source: _source, ...tenant }) => tenant),
    objects: objects.map(({ source: _source, propertySources: _sources, ...object }) => object),
  };
  return createHash("sha256").update(canonicalJson(data), "utf8").digest("hex");
}

/** JSON with object keys sorted by code unit, recursively, and no whitespace. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key]!)}`).join(",")}}`;
}
