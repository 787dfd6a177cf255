import { describe, expect, it } from "vitest";
import { decodeConfigFile, firstInvalidUtf8Offset, MAX_FILE_BYTES } from "./decode.ts";

const bytes = (...values: number[]) => Uint8Array.from(values);

describe("decodeConfigFile", () => {
  it("decodes UTF-8 and drops a byte order mark", () => {
    const text = "a: é\n";
    const encoded = new TextEncoder().encode(`\uFEFF${text}`);
    expect(decodeConfigFile("f.yaml", encoded)).toEqual({ ok: true, text });
  });

  it("points at the first invalid byte, counting columns in characters", () => {
    const encoded = Uint8Array.from([...new TextEncoder().encode("a: 1\nname: é"), 0xe9, 0x0a]);
    const result = decodeConfigFile("f.yaml", encoded);
    expect(result).toMatchObject({
      ok: false,
      diagnostic: { code: "invalid-encoding", source: { file: "f.yaml", line: 2, column: 8 } },
    });
    expect(result.ok || result.diagnostic.summary).toContain("0xE9");
  });

  it("recognises UTF-16 by its byte order mark", () => {
    expect(decodeConfigFile("f.yaml", bytes(0xff, 0xfe, 0x61, 0x00))).toMatchObject({
      ok: false,
      diagnostic: { code: "invalid-encoding", summary: expect.stringContaining("UTF-16") },
    });
  });

  it("refuses files over the size limit without decoding them", () => {
    const result = decodeConfigFile("f.yaml", new Uint8Array(MAX_FILE_BYTES + 1));
    expect(result).toMatchObject({ ok: false, diagnostic: { code: "file-too-large" } });
  });
});

describe("firstInvalidUtf8Offset", () => {
  it.each([
    [[0x61, 0x62], 2],
    [[0x61, 0xc3, 0xa9, 0x80], 3], // a lone continuation byte
    [[0xc0, 0xaf], 0], // overlong encoding
    [[0xed, 0xa0, 0x80], 0], // a surrogate
    [[0xf0, 0x9f, 0x98, 0x80, 0xf5], 4], // beyond U+10FFFF
    [[0xe2, 0x82], 0], // truncated at the end
  ])("%j → %i", (input, offset) => {
    expect(firstInvalidUtf8Offset(Uint8Array.from(input))).toBe(offset);
  });
});
