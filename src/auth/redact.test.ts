import { afterEach, describe, expect, it } from "vitest";
import { clearRegisteredSecretsForTests, redact, registerSecret } from "./redact.ts";

afterEach(() => {
  clearRegisteredSecretsForTests();
});

describe("redact", () => {
  it("replaces a registered secret wherever it appears", () => {
    registerSecret("s3cr3t-Value~with.odd_chars");
    expect(
      redact("secret is s3cr3t-Value~with.odd_chars, again s3cr3t-Value~with.odd_chars!"),
    ).toBe("secret is [redacted], again [redacted]!");
  });

  it("ignores values too short to replace safely", () => {
    registerSecret("abc");
    registerSecret(undefined);
    expect(redact("abc def")).toBe("abc def");
  });

  it("hides secret-bearing form fields and JSON properties", () => {
    const body =
      "grant_type=client_credentials&client_secret=abc%2Fdef&client_assertion=xyz.abc&scope=x";
    expect(redact(body)).toBe(
      "grant_type=client_credentials&client_secret=[redacted]&client_assertion=[redacted]&scope=x",
    );
    expect(redact('{"access_token":"opaque-token-value","token_type":"Bearer"}')).toBe(
      '{"access_token":"[redacted]","token_type":"Bearer"}',
    );
  });

  it("hides anything shaped like a JWT and bearer tokens", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    expect(redact(`token ${jwt} here`)).toBe("token [redacted-jwt] here");
    expect(redact("Authorization: Bearer abc.def-ghi")).toBe("Authorization: Bearer [redacted]");
  });

  // Each of these kills a one-line bug that once survived the whole suite (issue 14, item 12).
  it("replaces a secret as short as six characters", () => {
    registerSecret("k9#Qz!");
    expect(redact("password k9#Qz! here")).toBe("password [redacted] here");
  });

  it("registers a secret without the whitespace around it (as read from a file or env)", () => {
    registerSecret("  s3cr3t-from-a-file\n");
    expect(redact("got s3cr3t-from-a-file back")).toBe("got [redacted] back");
  });

  it("hides every credential-bearing field, in any case", () => {
    expect(redact("grant_type=refresh_token&refresh_token=0.AXYZ-opaque")).toBe(
      "grant_type=refresh_token&refresh_token=[redacted]",
    );
    expect(redact('{"Access_Token": "opaque-token-value"}')).toBe('{"Access_Token": "[redacted]"}');
    expect(redact("CLIENT_SECRET=abc123def")).toBe("CLIENT_SECRET=[redacted]");
  });

  it("hides a bearer token whatever the case of the scheme", () => {
    expect(redact("authorization: bearer opaque.token-value")).toBe(
      "authorization: bearer [redacted]",
    );
    expect(redact("BEARER opaque.token-value")).toBe("BEARER [redacted]");
  });

  it("leaves ordinary text alone", () => {
    const text = "AADSTS7000215: Invalid client secret provided. Trace ID: 1234";
    expect(redact(text)).toBe(text);
  });
});
