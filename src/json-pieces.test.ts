import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MappedArray, joinedPieces, jsonPieces } from "./json-pieces.ts";

const INDENTS = ["", "  "] as const;

/** Whether a cut at `end` of `text` falls outside every JSON string (and escape) in it. */
function outsideStrings(text: string): boolean {
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (inString && character === "\\") index++;
    else if (character === '"') inString = !inString;
  }
  return !inString;
}

describe("jsonPieces", () => {
  it("joins to JSON.stringify's text, for any JSON value, compact and indented", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        for (const indent of INDENTS)
          expect([...jsonPieces(value, indent)].join("")).toBe(JSON.stringify(value, null, indent));
      }),
      { numRuns: 500 },
    );
  });

  it("writes what JSON.stringify leaves out or turns to null, toJSON and holes as it does", () => {
    const sparse: unknown[] = [1];
    sparse[3] = 2;
    const value = {
      absent: undefined,
      call: () => 1,
      when: new Date("2026-12-07T12:00:00Z"),
      list: [undefined, () => 1, Symbol("s"), null, sparse, [], {}, [[]], [{}]],
      nested: { deeper: { deepest: [1, { a: [] }], empty: {} }, gone: undefined },
      custom: { toJSON: (key: string) => `custom ${key}` },
      boxed: [new String("s"), new Number(1), new Boolean(false)],
      odd: Object.assign(Object.create(null) as object, { b: 1, a: [2] }),
      "2": "integer keys first",
      "line\nbreak \u2028 \ud83d\ude00": 'text with \n and "quotes" and \\ and \u0000',
      mapped: new MappedArray([1, 2, 3], (item) => ({ item, twice: [item, item] })),
      mappedEmpty: new MappedArray([], () => 1),
    };
    for (const indent of INDENTS) {
      expect([...jsonPieces(value, indent)].join("")).toBe(JSON.stringify(value, null, indent));
      for (const top of [undefined, null, 1, "x", [], {}, value.list, value.mapped])
        expect([...jsonPieces(top, indent)].join("")).toBe(JSON.stringify(top, null, indent) ?? "");
    }
  });

  it("cuts only between members and elements: never inside a string, a key with its value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        for (const indent of INDENTS) {
          let text = "";
          for (const piece of jsonPieces(value, indent)) {
            text += piece;
            expect(outsideStrings(text)).toBe(true);
            // A piece never ends with a key waiting for its value.
            expect(piece).not.toMatch(/:\s*$/);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps each piece to one element of a long array: the whole is never one string", () => {
    const items = Array.from({ length: 5_000 }, (_, index) => ({ index, text: "x".repeat(100) }));
    const document = { summary: { count: items.length }, items: new MappedArray(items, (x) => x) };
    const pieces = [...jsonPieces(document, "  ")];
    expect(pieces.length).toBeGreaterThan(5_000);
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThan(300);
    const joined = [...joinedPieces(pieces, 32 * 1024)];
    expect(joined.join("")).toBe(JSON.stringify(document, null, 2));
    expect(Math.max(...joined.map((piece) => piece.length))).toBeLessThan(33 * 1024);
  });

  it("maps a MappedArray's elements only as they are written", () => {
    let mapped = 0;
    const pieces = jsonPieces(
      new MappedArray([1, 2, 3], (item) => {
        mapped++;
        return item;
      }),
    );
    expect(pieces.next().value).toBe("[1");
    expect(mapped).toBe(1);
    expect([...pieces].join("")).toBe(",2,3]");
    expect(mapped).toBe(3);
  });
});
