import type { JsonValue } from "./json.ts";

/**
 * JSON with object keys sorted (recursively) and no whitespace: two values that are equal as JSON
 * data have the same canonical text, whatever order their keys were written in. Array order is
 * kept: sets are sorted by the normaliser before they get here.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  let text = "";
  writeCanonicalJson(value, (piece) => {
    text += piece;
  });
  return text;
}

/**
 * sha256 (lower-case hex) of `canonicalJson(value)`'s UTF-8 bytes, without building that text:
 * it is hashed in pieces of about 64 KB as it is written. The configuration's digest hashes the
 * whole desired state, whose canonical text is megabytes at fleet scale (about 5 MB for 2,000
 * tenants), and built as one string it and its parts were a burst of 20 MB and more of heap
 * (bench/RESULTS.md, change 22). The pieces end between tokens, never inside one, so no
 * character (nor a surrogate pair) is cut in two.
 */
export function canonicalJsonSha256(value: JsonValue): string {
  const { createHash } = process.getBuiltinModule("node:crypto");
  const hash = createHash("sha256");
  let pending = "";
  writeCanonicalJson(value, (piece) => {
    pending += piece;
    if (pending.length >= HASH_PIECE) {
      hash.update(pending, "utf8");
      pending = "";
    }
  });
  return hash.update(pending, "utf8").digest("hex");
}

const HASH_PIECE = 1 << 16;

/**
 * `canonicalJson`'s text, handed to `emit` a token or two at a time. What is not JSON is written
 * as `JSON.stringify` and template text make it (`undefined` as a member's value, nothing for an
 * array element), as this module always did: digests of saved plans depend on the exact text.
 */
function writeCanonicalJson(value: JsonValue, emit: (piece: string) => void): void {
  if (value === null || typeof value !== "object") {
    emit(`${JSON.stringify(value)}`);
    return;
  }
  if (Array.isArray(value)) {
    emit("[");
    for (let index = 0; index < value.length; index++) {
      if (index > 0) emit(",");
      const element = value[index];
      // `[…].join` writes undefined (and a hole) as nothing; an object or array is never undefined.
      if (element === undefined || element === null || typeof element !== "object")
        emit(JSON.stringify(element) ?? "");
      else writeCanonicalJson(element, emit);
    }
    emit("]");
    return;
  }
  const keys = Object.keys(value).sort(compareStrings);
  emit("{");
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!;
    emit(`${index === 0 ? "" : ","}${JSON.stringify(key)}:`);
    writeCanonicalJson(value[key]!, emit);
  }
  emit("}");
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
