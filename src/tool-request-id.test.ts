import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GUID_PATTERN } from "./guid.ts";
import { isToolRequestId, newToolRequestId } from "./tool-request-id.ts";

describe("the tool's client-request-id", () => {
  it("is a version-8 GUID that the tool recognises, in either case", () => {
    const ids = Array.from({ length: 200 }, newToolRequestId);
    for (const id of ids) {
      expect(id).toMatch(GUID_PATTERN);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(isToolRequestId(id)).toBe(true);
      expect(isToolRequestId(id.toUpperCase())).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("does not take another client's GUID, or an edited one, for its own", () => {
    for (let index = 0; index < 200; index++) expect(isToolRequestId(randomUUID())).toBe(false);
    const id = newToolRequestId();
    const last = id.at(-1) === "0" ? "1" : "0";
    expect(isToolRequestId(`${id.slice(0, -1)}${last}`)).toBe(false);
    expect(isToolRequestId(id.replaceAll("-", ""))).toBe(false);
    expect(isToolRequestId("not a guid")).toBe(false);
  });
});
