import { describe, expect, it } from "vitest";
import type { AuthConfig, DesiredState, TenantConfig } from "../config/model.ts";
import { appOfTenant } from "./connections.ts";

const SOURCE = { file: "tenants.yaml", line: 1, column: 1 };

function tenant(name: string, auth: AuthConfig, cloud: TenantConfig["cloud"] = "global") {
  return {
    name,
    tenantId: "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
    cloud,
    graphVersion: "beta",
    auth,
    source: SOURCE,
  } satisfies TenantConfig;
}

describe("appOfTenant (the key of the per-app write budget)", () => {
  const app = (clientId: string): AuthConfig => ({
    method: "clientSecret",
    clientId,
    clientSecretEnv: "SECRET",
  });
  const state: DesiredState = {
    tenants: [
      tenant("contoso", app("9A3C1F0E-5B7D-4E2A-8C61-2F4D8B9E7A13")),
      tenant("fabrikam", app("9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13")),
      tenant("northwind", app("00000000-1111-4222-8333-444444444444")),
      tenant("gov", app("9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13"), "usgov"),
      tenant("cli", { method: "azureCli" }),
    ],
    objects: [],
    digest: "d",
    files: [],
  };
  const appOf = appOfTenant(state);

  it("puts tenants signing in with one client id in one cloud together, whatever its case", () => {
    expect(appOf("contoso")).toBe(appOf("fabrikam"));
  });

  it("keeps other apps, and the same app in another cloud, apart", () => {
    expect(appOf("northwind")).not.toBe(appOf("contoso"));
    expect(appOf("gov")).not.toBe(appOf("contoso"));
    expect(appOf("cli")).not.toBe(appOf("contoso"));
  });
});
