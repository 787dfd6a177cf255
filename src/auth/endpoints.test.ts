import { describe, expect, it } from "vitest";
import { CLOUD_NAMES, CLOUDS } from "../clouds.ts";
import { resolveEndpoints } from "./endpoints.ts";

const strict = { allowCustomEndpoint: false };
const tenant = { name: "contoso", cloud: "global" as const };

describe("resolveEndpoints", () => {
  it.each(CLOUD_NAMES)("uses the %s cloud's endpoints, with instance discovery on", (cloud) => {
    expect(resolveEndpoints({ name: "t", cloud }, {}, strict)).toEqual({
      graphUrl: CLOUDS[cloud].graphUrl,
      authorityHost: CLOUDS[cloud].authorityHost,
      scope: CLOUDS[cloud].scope,
      disableInstanceDiscovery: false,
    });
  });

  it("uses the national clouds' own scopes", () => {
    expect(resolveEndpoints({ name: "t", cloud: "usgovdod" }, {}, strict).scope).toBe(
      "https://dod-graph.microsoft.us/.default",
    );
    expect(resolveEndpoints({ name: "t", cloud: "china" }, {}, strict).authorityHost).toBe(
      "https://login.chinacloudapi.cn",
    );
  });

  it("accepts loopback overrides, derives the scope and turns instance discovery off", () => {
    const env = {
      INTUNE_GITOPS_GRAPH_URL: "https://127.0.0.1:8443/",
      AZURE_AUTHORITY_HOST: "https://localhost:8443",
    };
    expect(resolveEndpoints(tenant, env, strict)).toEqual({
      graphUrl: "https://127.0.0.1:8443",
      authorityHost: "https://localhost:8443",
      scope: "https://127.0.0.1:8443/.default",
      disableInstanceDiscovery: true,
    });
  });

  it("keeps the cloud scope when the override is the cloud's own Graph URL", () => {
    const env = { INTUNE_GITOPS_GRAPH_URL: "https://graph.microsoft.com/" };
    expect(resolveEndpoints(tenant, env, strict).scope).toBe(
      "https://graph.microsoft.com/.default",
    );
  });

  it("accepts another Microsoft host without the flag", () => {
    const env = { AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us" };
    expect(resolveEndpoints(tenant, env, strict)).toMatchObject({
      authorityHost: "https://login.microsoftonline.us",
      disableInstanceDiscovery: false,
    });
  });

  it("refuses a non-Microsoft host unless allowed", () => {
    const env = { INTUNE_GITOPS_GRAPH_URL: "https://graph.example.net" };
    expect(() => resolveEndpoints(tenant, env, strict)).toThrow(
      "tenant contoso: INTUNE_GITOPS_GRAPH_URL=https://graph.example.net/ is not a Microsoft Graph host; a token would be sent to graph.example.net. Pass --allow-custom-endpoint if that is intended",
    );
    expect(resolveEndpoints(tenant, env, { allowCustomEndpoint: true }).graphUrl).toBe(
      "https://graph.example.net",
    );
    const authority = { AZURE_AUTHORITY_HOST: "https://login.example.net" };
    expect(() => resolveEndpoints(tenant, authority, strict)).toThrow(
      "is not a Microsoft login host",
    );
    expect(resolveEndpoints(tenant, authority, { allowCustomEndpoint: true })).toMatchObject({
      authorityHost: "https://login.example.net",
      disableInstanceDiscovery: true,
    });
  });

  it("requires https off this machine, and for the authority everywhere", () => {
    const allow = { allowCustomEndpoint: true };
    expect(() =>
      resolveEndpoints(tenant, { INTUNE_GITOPS_GRAPH_URL: "http://graph.example.net" }, allow),
    ).toThrow("must use https (http is accepted only on this machine)");
    expect(
      resolveEndpoints(tenant, { INTUNE_GITOPS_GRAPH_URL: "http://127.0.0.1:9" }, strict).graphUrl,
    ).toBe("http://127.0.0.1:9");
    expect(() =>
      resolveEndpoints(tenant, { AZURE_AUTHORITY_HOST: "http://127.0.0.1:9" }, strict),
    ).toThrow("must use https (the Microsoft identity library refuses anything else)");
  });

  it("rejects malformed overrides clearly", () => {
    const cases: [Record<string, string>, string][] = [
      [{ INTUNE_GITOPS_GRAPH_URL: "not a url" }, "is not a URL"],
      [{ INTUNE_GITOPS_GRAPH_URL: "https://127.0.0.1:1/beta" }, "without the version"],
      [{ INTUNE_GITOPS_GRAPH_URL: "https://127.0.0.1:1/?x=1" }, "must not have a query"],
      [
        { INTUNE_GITOPS_GRAPH_URL: "https://user:pa55word@127.0.0.1:1/" },
        "=https://127.0.0.1:1/ must not carry a user name",
      ],
      [{ AZURE_AUTHORITY_HOST: "https://127.0.0.1:1/tenant" }, "must be a host only"],
    ];
    for (const [env, message] of cases)
      expect(() => resolveEndpoints(tenant, env, strict)).toThrow(message);
  });

  it("never repeats a password carried in an override", () => {
    const env = { INTUNE_GITOPS_GRAPH_URL: "https://user:pa55word@127.0.0.1:1/" };
    expect(() => resolveEndpoints(tenant, env, strict)).toThrow(
      expect.objectContaining({ name: "AuthError" }),
    );
    try {
      resolveEndpoints(tenant, env, strict);
    } catch (error) {
      expect(String(error)).not.toContain("pa55word");
    }
  });

  it("ignores empty overrides", () => {
    expect(
      resolveEndpoints(tenant, { INTUNE_GITOPS_GRAPH_URL: " ", AZURE_AUTHORITY_HOST: "" }, strict)
        .graphUrl,
    ).toBe(CLOUDS.global.graphUrl);
  });
});
