import { describe, expect, it } from "vitest";
import { parseGraphError } from "./graph-error.ts";

describe("parseGraphError", () => {
  it("reads the OData envelope with innerError request-id", () => {
    const body = JSON.stringify({
      error: {
        code: "Forbidden",
        message: "Application is not authorized to perform this operation.",
        innerError: {
          date: "2020-11-19T20:20:47",
          "request-id": "b9f00b46-1",
          "client-request-id": "c",
        },
      },
    });
    expect(parseGraphError(403, "Forbidden", body, "application/json")).toEqual({
      code: "Forbidden",
      message: "Application is not authorized to perform this operation.",
      requestId: "b9f00b46-1",
    });
  });

  it("reads innererror spelt in lower case and requestId in camel case", () => {
    const body = JSON.stringify({
      error: { code: "BadRequest", message: "nope", innererror: { requestId: "r-2" } },
    });
    expect(parseGraphError(400, "Bad Request", body, undefined).requestId).toBe("r-2");
  });

  it("surfaces the Message of Intune's JSON-in-a-string message", () => {
    const nested = JSON.stringify({
      _version: 3,
      Message:
        "An error has occurred - Operation ID (for customer support): 00000000-0000 - Activity ID: 7f - Url: https://fef.msua0x.manage.microsoft.com/x",
      CustomApiErrorPhrase: "",
      RetryAfter: null,
    });
    const body = JSON.stringify({ error: { code: "InternalError", message: nested } });
    const info = parseGraphError(500, "Internal Server Error", body, "application/json");
    expect(info.code).toBe("InternalError");
    expect(info.message).toBe(
      "An error has occurred - Operation ID (for customer support): 00000000-0000 - Activity ID: 7f - Url: https://fef.msua0x.manage.microsoft.com/x",
    );
  });

  it("keeps a message that merely starts with a brace", () => {
    const body = JSON.stringify({ error: { code: "BadRequest", message: "{not json" } });
    expect(parseGraphError(400, "Bad Request", body, undefined).message).toBe("{not json");
  });

  it("reads the PascalCase envelope, bare or under error", () => {
    const bare = JSON.stringify({ ErrorCode: "Forbidden", Message: "No permission", Target: null });
    expect(parseGraphError(403, "Forbidden", bare, undefined)).toEqual({
      code: "Forbidden",
      message: "No permission",
    });
    const wrapped = JSON.stringify({ error: { ErrorCode: "Forbidden", Message: "Nope" } });
    expect(parseGraphError(403, "Forbidden", wrapped, undefined).message).toBe("Nope");
  });

  it("treats an empty code as no code and falls back to the inner code", () => {
    const body = JSON.stringify({ error: { code: "", message: "The resource was not found." } });
    expect(parseGraphError(404, "Not Found", body, undefined)).toEqual({
      message: "The resource was not found.",
    });
    const inner = JSON.stringify({
      error: { code: "", message: "x", innerError: { code: "itemNotFound" } },
    });
    expect(parseGraphError(404, "Not Found", inner, undefined).code).toBe("itemNotFound");
  });

  it("never returns HTML", () => {
    const html =
      "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><script>x</script></body></html>";
    const info = parseGraphError(502, "Bad Gateway", html, "text/html");
    expect(info.message).toContain("HTTP 502 Bad Gateway");
    expect(info.message).toContain("HTML page");
    expect(info.message).not.toContain("<");
    expect(parseGraphError(502, "Bad Gateway", html, undefined).message).not.toContain("<");
  });

  it("describes an empty body and plain text", () => {
    expect(parseGraphError(503, "Service Unavailable", "", undefined).message).toBe(
      "HTTP 503 Service Unavailable with an empty body",
    );
    expect(parseGraphError(500, "", "upstream\nconnect error", "text/plain").message).toBe(
      "HTTP 500: upstream connect error",
    );
  });

  it("falls back to the status when the envelope has no message", () => {
    const body = JSON.stringify({ error: { code: "TooManyRequests" } });
    expect(parseGraphError(429, "Too Many Requests", body, undefined)).toEqual({
      code: "TooManyRequests",
      message: "HTTP 429 Too Many Requests",
    });
  });

  it("does not loop on deeply nested inner errors", () => {
    let inner: Record<string, unknown> = { "request-id": "deep" };
    for (let i = 0; i < 50; i++) inner = { innerError: inner };
    const body = JSON.stringify({ error: { code: "X", message: "m", innerError: inner } });
    expect(parseGraphError(400, "", body, undefined).requestId).toBeUndefined();
  });
});
