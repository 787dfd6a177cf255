import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, canonicalJsonSha256, compareStrings, sha256Hex } from "./canonical-json.ts";
import type { JsonValue } from "./json.ts";

/**
 * canonicalJson as it was written before it was made a writer (bench/RESULTS.md, change 22):
 * saved plans' checksums and configuration digests depend on its exact text.
 */
function previousCanonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(previousCanonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort(compareStrings);
  const members = keys.map((key) => `${JSON.stringify(key)}:${previousCanonicalJson(value[key]!)}`);
  return `{${members.join(",")}}`;
}

/** Values that are not JSON but reach canonicalJson through loose types at times. */
const LOOSE = [
  { a: undefined, b: [undefined, 1], c: { d: undefined } },
  [undefined],
  { f: () => 1, g: [() => 1] },
  { z: 1, a: { y: [3, 2, { x: null }] }, é: "\u2028", "": [] },
] as unknown as JsonValue[];

describe("canonicalJson", () => {
  it("writes the text it always wrote, for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(canonicalJson(value as JsonValue)).toBe(previousCanonicalJson(value as JsonValue));
      }),
      { numRuns: 500 },
    );
    for (const value of LOOSE) expect(canonicalJson(value)).toBe(previousCanonicalJson(value));
  });
});

describe("canonicalJsonSha256", () => {
  it("is sha256Hex of canonicalJson, for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(canonicalJsonSha256(value as JsonValue)).toBe(
          sha256Hex(canonicalJson(value as JsonValue)),
        );
      }),
      { numRuns: 300 },
    );
    for (const value of LOOSE)
      expect(canonicalJsonSha256(value)).toBe(sha256Hex(canonicalJson(value)));
  });

  it("hashes a text of megabytes in pieces to the same digest, surrogate pairs included", () => {
    // Strings of emoji (surrogate pairs, 4 bytes in UTF-8) of odd lengths, so the 64 KB pieces end
    // at every offset: a pair cut in two would hash as two replacement characters.
    const value = {
      objects: Array.from({ length: 8_000 }, (_, index) => ({
        index,
        name: "😀".repeat(index % 97),
        spec: { text: `é${"x".repeat(index % 13)}`, list: [index, "€", null] },
      })),
    };
    const text = canonicalJson(value);
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(canonicalJsonSha256(value)).toBe(sha256Hex(text));
  });
});
