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

  it("trims the code, the message and the request id, and takes blank ones for none", () => {
    const body = JSON.stringify({
      error: {
        code: "  Forbidden ",
        message: "  No permission\n",
        innerError: { "request-id": " r-1 " },
      },
    });
    expect(parseGraphError(403, "Forbidden", body, undefined)).toStrictEqual({
      code: "Forbidden",
      message: "No permission",
      requestId: "r-1",
    });
    const blank = JSON.stringify({
      error: { code: " ", message: "   ", innerError: { "request-id": " ", requestId: "r-2" } },
    });
    expect(parseGraphError(403, "Forbidden", blank, undefined)).toStrictEqual({
      message: "HTTP 403 Forbidden",
      requestId: "r-2",
    });
  });

  it("leaves out what the body does not say", () => {
    const body = JSON.stringify({ error: { code: "", message: "The resource was not found." } });
    expect(parseGraphError(404, "Not Found", body, undefined)).toStrictEqual({
      message: "The resource was not found.",
    });
    const empty = JSON.stringify({ error: { message: "m", innerError: {} } });
    expect(parseGraphError(400, "", empty, undefined)).toStrictEqual({ message: "m" });
  });

  it("follows inner errors nested in any spelling, keeping the first request id and the deepest code", () => {
    const body = JSON.stringify({
      error: {
        code: "",
        message: "m",
        innerError: {
          code: "outer",
          innererror: { "request-id": "r-2", InnerError: { code: "deepest", requestId: "r-3" } },
        },
      },
    });
    expect(parseGraphError(400, "", body, undefined)).toStrictEqual({
      code: "deepest",
      message: "m",
      requestId: "r-2",
    });
  });

  it("reads ten levels of inner errors, no more", () => {
    const nested = (levels: number) => {
      let inner: Record<string, unknown> = { "request-id": "deep" };
      for (let i = 1; i < levels; i++) inner = { innerError: inner };
      return JSON.stringify({ error: { code: "X", message: "m", innerError: inner } });
    };
    expect(parseGraphError(400, "", nested(10), undefined).requestId).toBe("deep");
    expect(parseGraphError(400, "", nested(11), undefined).requestId).toBeUndefined();
  });

  it("takes a page served as HTML for one, whatever its first characters", () => {
    const info = parseGraphError(502, "Bad Gateway", "Gateway busy, try <b>later</b>", "text/html");
    expect(info).toStrictEqual({
      message:
        "HTTP 502 Bad Gateway: the response was an HTML page, not a Graph error (a proxy or gateway answered instead of Graph)",
    });
  });

  it("recognises an HTML page after leading blank lines, without a content type", () => {
    const info = parseGraphError(
      502,
      "Bad Gateway",
      "\r\n  <!DOCTYPE html><html></html>",
      undefined,
    );
    expect(info.message).toContain("the response was an HTML page");
  });

  it("reads a Graph error whose message quotes HTML as Graph's error, not as a page", () => {
    const body = JSON.stringify({
      error: { code: "BadRequest", message: "Value '<html>' is not valid for displayName" },
    });
    expect(parseGraphError(400, "Bad Request", body, "application/json")).toStrictEqual({
      code: "BadRequest",
      message: "Value '<html>' is not valid for displayName",
    });
  });

  it("takes a body of blanks for an empty body", () => {
    expect(parseGraphError(503, "Service Unavailable", " \r\n ", undefined).message).toBe(
      "HTTP 503 Service Unavailable with an empty body",
    );
  });
});
