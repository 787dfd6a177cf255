import { describe, expect, it } from "vitest";
import { graphAudiences } from "../auth/token-claims.ts";
import { tokenChecks } from "./token-checks.ts";

const TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f";
const NOW = 1_800_000_000_000;

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256" })}.${part(claims)}.c2ln`;
}

function verdicts(claims: Record<string, unknown>) {
  return tokenChecks({
    accessToken: jwt({ exp: NOW / 1000 + 3600, ...claims }),
    tenantId: TENANT,
    audiences: graphAudiences("https://graph.microsoft.com/.default"),
    graphVersions: ["beta"],
    nowMs: NOW,
  }).map((check) => [check.id, check.verdict]);
}

const graph = { tid: TENANT, aud: "https://graph.microsoft.com" };

describe("the doctor's token checks", () => {
  it("all pass for an app that can read, write and read the audit log", () => {
    expect(
      verdicts({
        ...graph,
        roles: ["DeviceManagementServiceConfig.ReadWrite.All", "DeviceManagementApps.Read.All"],
      }),
    ).toEqual([
      ["token/tenant", "pass"],
      ["token/audience", "pass"],
      ["token/read", "pass"],
      ["token/write", "pass"],
      ["token/audit", "pass"],
    ]);
  });

  it("a plan-only app: write and the audit log are warnings, reading passes", () => {
    expect(verdicts({ ...graph, roles: ["DeviceManagementServiceConfig.Read.All"] })).toEqual([
      ["token/tenant", "pass"],
      ["token/audience", "pass"],
      ["token/read", "pass"],
      ["token/write", "warn"],
      ["token/audit", "warn"],
    ]);
  });

  it("no permission to read, another tenant or another audience: failures", () => {
    expect(
      verdicts({
        tid: "3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a19",
        aud: "https://management.azure.com",
      }),
    ).toEqual([
      ["token/tenant", "fail"],
      ["token/audience", "fail"],
      ["token/read", "fail"],
      ["token/write", "warn"],
      ["token/audit", "warn"],
    ]);
  });

  it("a token that is not a JWT: one warning, nothing guessed", () => {
    const checks = tokenChecks({
      accessToken: "opaque-token-value",
      tenantId: TENANT,
      audiences: [],
      graphVersions: ["v1.0"],
      nowMs: NOW,
    });
    expect(checks.map((check) => [check.id, check.verdict])).toEqual([["token/claims", "warn"]]);
  });
});
