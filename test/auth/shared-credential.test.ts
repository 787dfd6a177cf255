import type { SharedCredential } from "../../src/auth/credential.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import { connectTenant } from "../../src/operations/connect.ts";
import { BENCH_APP, generateScenario } from "../../bench/scenario.ts";

/**
 * An MSP signs in to many tenants with one multi-tenant app. One credential per app, shared by
 * its tenants (the tenant given per token request), instead of one per tenant: one MSAL client
 * and one HTTP pipeline for the app, not one per tenant.
 */
const scenario = generateScenario({
  tenants: 3,
  remoteAssistancePartners: 1,
  deviceManagementPartners: 0,
  driftFraction: 0,
  randomSeed: 1,
});
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ seed: scenario.seed });
});
afterAll(async () => {
  await emulator.close();
});

function tidOf(token: string): unknown {
  const payload = token.split(".")[1] ?? "";
  return (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { tid?: unknown }).tid;
}

describe("one credential per app registration", () => {
  it("is created once for the app's tenants, and each token is for its own tenant", async () => {
    const sharedCredentials = new Map<string, SharedCredential>();
    for (const tenant of scenario.tenants) {
      const connection = await connectTenant(tenant, {
        env: {
          [BENCH_APP.secretEnv]: BENCH_APP.secret,
          INTUNE_GITOPS_GRAPH_URL: emulator.url,
          AZURE_AUTHORITY_HOST: emulator.url,
        },
        configDir: ".",
        allowCustomEndpoint: false,
        ca: emulator.caPem,
        operation: "read",
        graphVersions: ["beta"],
        sharedCredentials,
      });
      expect(tidOf(await connection.tokenProvider.getAccessToken())).toBe(tenant.tenantId);
      const objects = await connection.client.listCollection({
        graphVersion: "beta",
        collectionPath: "/deviceManagement/remoteAssistancePartners",
        select: ["id"],
      });
      expect(objects).toHaveLength(1);
      connection.client.close();
    }
    expect([...sharedCredentials.values()].map((entry) => entry.tenants)).toEqual([3]);
  });
});
