import type { JsonValue } from "./json.ts";

/**
 * JSON with object keys sorted (recursively) and no whitespace: two values that are equal as JSON
 * data have the same canonical text, whatever order their keys were written in. Array order is
 * kept: sets are sorted by the normaliser before they get here.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort(compareStrings);
  const members = keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key]!)}`);
  return `{${members.join(",")}}`;
}

/**
 * sha256 of a string's UTF-8 bytes, lower-case hex. node:crypto is loaded at the first call, not
 * with this module: every command imports this module, `validate` hashes nothing unless asked for
 * JSON, and loading node:crypto was about a tenth of its start-up (bench/RESULTS.md, change 16).
 */
export function sha256Hex(text: string): string {
  const { createHash } = process.getBuiltinModule("node:crypto");
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * Code-unit order, independent of the locale (`localeCompare` is not): plans must sort the same
 * on every machine.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
