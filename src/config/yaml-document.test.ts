import { describe, expect, it } from "vitest";
import { MAX_ALIAS_EXPANSION, parseYamlFile } from "./yaml-document.ts";

const parse = (text: string) => parseYamlFile("f.yaml", text);

describe("parseYamlFile", () => {
  it("converts a document to plain data and locates values and keys", () => {
    const { documents, diagnostics } = parse("a: 1\nb:\n  c: [x, 'y']\n");
    expect(diagnostics).toEqual([]);
    const [document] = documents;
    expect(document!.value).toEqual({ a: 1, b: { c: ["x", "y"] } });
    expect(document!.locate(["b", "c", 1])).toEqual({ file: "f.yaml", line: 3, column: 10 });
    expect(document!.locate(["b", "c"], "key")).toEqual({ file: "f.yaml", line: 3, column: 3 });
    // A missing key is located at the deepest node that exists.
    expect(document!.locate(["b", "missing"])).toEqual({ file: "f.yaml", line: 3, column: 3 });
    expect(document!.sourceText(["b", "c", 1])).toBe("y");
  });

  it("splits documents and marks empty ones", () => {
    const { documents } = parse("# only a comment\n---\na: 1\n---\n");
    expect(documents.map((d) => [d.index, d.empty, d.start.line])).toEqual([
      [0, false, 3],
      [1, true, 4],
    ]);
    expect(parse("").documents).toEqual([]);
    expect(parse("# nothing\n").documents).toEqual([]);
  });

  it("keeps timestamps exactly as written, even when YAML 1.1 makes them dates", () => {
    const text = "2016-12-31T23:58:36.6670033-08:00";
    for (const source of [
      `d: ${text}\n`,
      `%YAML 1.1\n---\nd: ${text}\n`,
      `d: !!timestamp ${text}\n`,
    ]) {
      const { documents } = parse(source);
      expect(documents[0]!.value, source).toEqual({ d: text });
    }
  });

  it("reads YAML 1.1 words and numbers as the 1.1 schema says, with their source text", () => {
    const { documents } = parse("%YAML 1.1\n---\na: yes\nb: 1:20\n");
    expect(documents[0]!.value).toEqual({ a: true, b: 80 });
    expect(documents[0]!.sourceText(["b"])).toBe("1:20");
  });

  it("tells an empty value (implicit null) from an explicit null", () => {
    const { documents } = parse("a:\nb: null\nc: ~\n");
    const document = documents[0]!;
    expect(document.value).toEqual({ a: null, b: null, c: null });
    expect(["a", "b", "c"].map((key) => document.isImplicitNull([key]))).toEqual([
      true,
      false,
      false,
    ]);
  });

  it("makes __proto__ and constructor ordinary keys of an object that inherits nothing", () => {
    const { documents } = parse("__proto__:\n  polluted: true\nconstructor: 1\n");
    const value = documents[0]!.value as Record<string, unknown>;
    // Its prototype chain holds no property at all (no Object.prototype).
    const prototype = Object.getPrototypeOf(value) as object | null;
    expect(prototype === null || Reflect.ownKeys(prototype).length === 0).toBe(true);
    expect(prototype === null ? null : Object.getPrototypeOf(prototype)).toBeNull();
    expect("toString" in value).toBe(false);
    expect("hasOwnProperty" in value).toBe(false);
    expect(Object.keys(value)).toEqual(["__proto__", "constructor"]);
    expect(value.__proto__).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reports duplicate keys at the second one, keeping the first value", () => {
    const { documents, diagnostics } = parse("a: 1\nb: 2\na: 3\n");
    expect(documents[0]!.value).toEqual({ a: 1, b: 2 });
    expect(documents[0]!.hasErrors).toBe(true);
    expect(diagnostics).toMatchObject([
      {
        code: "duplicate-key",
        source: { line: 3, column: 1 },
        detail: expect.stringContaining("line 1, column 1"),
      },
    ]);
  });

  it("finds duplicates among many keys in linear time", () => {
    const keys = Array.from({ length: 50_000 }, (_, index) => `k${index}: v`);
    const { diagnostics } = parse(`${keys.join("\n")}\nk7: again\n`);
    expect(diagnostics).toMatchObject([{ code: "duplicate-key", source: { line: 50_001 } }]);
  });

  it("expands aliases, and stops an alias bomb with a diagnostic", () => {
    expect(parse("a: &x [1, 2]\nb: *x\n").documents[0]!.value).toEqual({ a: [1, 2], b: [1, 2] });
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level < 9; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]`);
    }
    const { documents, diagnostics } = parse(`${levels.join("\n")}\n`);
    expect(documents[0]!.hasErrors).toBe(true);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      code: "alias-limit",
      summary: `aliases expand to more than ${MAX_ALIAS_EXPANSION} values`,
    });
  });

  it("reports unknown and self-referencing aliases", () => {
    expect(parse("a: *nowhere\n").diagnostics).toMatchObject([
      { code: "unknown-alias", source: { line: 1, column: 4 } },
    ]);
    expect(parse("a: &m\n  b: [*m]\n").diagnostics).toMatchObject([{ code: "recursive-alias" }]);
  });

  it("refuses nesting deeper than the format could need", () => {
    const { diagnostics } = parse(`a: ${"[".repeat(100)}${"]".repeat(100)}\n`);
    expect(diagnostics).toMatchObject([{ code: "nesting-too-deep" }]);
  });

  it("reports syntax errors with their position and advice", () => {
    expect(parse("a:\n\tb: 1\n").diagnostics).toMatchObject([
      {
        code: "yaml-syntax",
        source: { line: 2, column: 1 },
        detail: expect.stringContaining("spaces"),
      },
    ]);
  });

  it("points an unclosed quote or bracket at where it opened, not where the parser gave up", () => {
    expect(parse("a: 1\nb: 'open\nc: 2\n").diagnostics).toMatchObject([
      {
        code: "yaml-syntax",
        summary: "Missing closing 'quote: the value that starts here is never closed",
        source: { line: 2, column: 4 },
      },
    ]);
    expect(parse("a: [1, [2, 3]\nb: 1\n").diagnostics).toMatchObject([
      { code: "yaml-syntax", source: { line: 1, column: 4 } },
    ]);
  });

  it("counts lines the same with CRLF line ends", () => {
    const { documents } = parse("a: 1\r\nb:\r\n  c: 2\r\n");
    expect(documents[0]!.value).toEqual({ a: 1, b: { c: 2 } });
    expect(documents[0]!.locate(["b", "c"])).toEqual({ file: "f.yaml", line: 3, column: 6 });
  });

  it("turns non-string keys into their source text and rejects collection keys", () => {
    const { documents, diagnostics } = parse("1: a\ntrue: b\n? [x]\n: c\n");
    expect(documents[0]!.value).toEqual({ 1: "a", true: "b" });
    expect(diagnostics).toMatchObject([{ code: "invalid-key", source: { line: 3 } }]);
  });
});
