import { describe, expect, it } from "vitest";
import { pathAndQuery } from "./request-text.ts";

describe("pathAndQuery", () => {
  it("shows the path and the query, decoded, without the origin", () => {
    const url = new URL(
      "https://graph.example/beta/deviceManagement/auditEvents?$filter=activityDateTime%20gt%202026-01-01&$top=5",
    );
    expect(pathAndQuery(url)).toBe(
      "/beta/deviceManagement/auditEvents?$filter=activityDateTime gt 2026-01-01&$top=5",
    );
  });

  it("keeps text that does not decode as it is", () => {
    expect(pathAndQuery(new URL("https://graph.example/beta/x%E0%A4%A?$select=id"))).toBe(
      "/beta/x%E0%A4%A?$select=id",
    );
  });

  it("keeps the line on one line and bounded", () => {
    const line = pathAndQuery(new URL(`https://graph.example/beta/a%0Ab?q=${"x".repeat(400)}`));
    expect(line).not.toContain("\n");
    expect(line).toHaveLength(200);
    expect(line.startsWith("/beta/a b?q=xxx")).toBe(true);
  });
});
