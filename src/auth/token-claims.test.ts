import { describe, expect, it } from "vitest";
import { GRAPH_APP_ID, graphAudiences, tokenProblem } from "./token-claims.ts";

const TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f";
const NOW = 1_800_000_000_000;

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256" })}.${part(claims)}.c2ln`;
}

const expected = {
  tenantId: TENANT,
  audiences: graphAudiences("https://graph.microsoft.com/.default"),
};
const good = { tid: TENANT, aud: "https://graph.microsoft.com", exp: NOW / 1000 + 3600 };

describe("tokenProblem", () => {
  it("accepts this tenant's Graph token, by resource URI (any case, trailing slash) or Graph's app id", () => {
    expect(tokenProblem(jwt(good), NOW + 3_600_000, expected, NOW)).toEqual({});
    expect(
      tokenProblem(
        jwt({ ...good, aud: "https://GRAPH.microsoft.com/", tid: TENANT.toUpperCase() }),
        NOW + 1,
        expected,
        NOW,
      ),
    ).toEqual({});
    expect(tokenProblem(jwt({ ...good, aud: GRAPH_APP_ID }), NOW + 1, expected, NOW)).toEqual({});
  });

  it("refuses another tenant, no tenant, another audience, and an expired token", () => {
    const problem = (claims: Record<string, unknown>, expiresOn = NOW + 1) =>
      tokenProblem(jwt(claims), expiresOn, expected, NOW).problem;
    expect(problem({ ...good, tid: "0f0f0f0f-1111-4222-8333-444444444444" })).toContain(
      "the token is for tenant",
    );
    expect(problem({ aud: good.aud, exp: good.exp })).toBe(
      "the token names no tenant (no tid claim)",
    );
    expect(problem({ ...good, aud: "https://graph.microsoft.us" })).toContain(
      'the token is for "https://graph.microsoft.us", not Microsoft Graph at https://graph.microsoft.com',
    );
    expect(problem({ ...good, exp: NOW / 1000 - 1 })).toContain("expired at");
    expect(problem(good, NOW)).toBe("the token endpoint returned a token that has already expired");
  });

  it("checks only the expiry of a token that is not a JWT, and says so", () => {
    expect(tokenProblem("opaque-token", NOW + 1, expected, NOW)).toEqual({ nonJwt: true });
    expect(tokenProblem("opaque-token", NOW, expected, NOW).problem).toContain("already expired");
  });

  it("compares the tenant only when the configuration gives a GUID", () => {
    const byDomain = { tenantId: "contoso.onmicrosoft.com", audiences: expected.audiences };
    expect(tokenProblem(jwt(good), NOW + 1, byDomain, NOW)).toEqual({});
  });
});
