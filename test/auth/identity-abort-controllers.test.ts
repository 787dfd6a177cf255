import { queryObjects } from "node:v8";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCredential, type SharedCredential } from "../../src/auth/credential.ts";
import { startEmulator, type Emulator } from "../../src/emulator/index.ts";
import { BENCH_APP, generateScenario } from "../../bench/scenario.ts";

/**
 * `@azure/identity`'s IdentityClient keeps an AbortController for every request it sends (each
 * token request, each authority metadata request) in a map that only an aborted request empties
 * (Azure/azure-sdk-for-js#26161). A credential serves up to 64 tenants for a whole run, so a
 * 2,000-tenant plan held thousands of them. Counted here as live objects after a full GC
 * (`v8.queryObjects` collects first), around token requests of a credential built as the CLI
 * builds it.
 */
const TENANTS = 12;
const scenario = generateScenario({
  tenants: TENANTS,
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

function liveAbortControllers(): number {
  // The count only: the objects themselves are not handed out.
  return Number(queryObjects(AbortController, { format: "count" }));
}

describe("a credential's requests", () => {
  it("leave no AbortController behind once their tokens arrived", async () => {
    const sharedCredentials = new Map<string, SharedCredential>();
    const context = {
      env: {
        [BENCH_APP.secretEnv]: BENCH_APP.secret,
        INTUNE_GITOPS_GRAPH_URL: emulator.url,
        AZURE_AUTHORITY_HOST: emulator.url,
      },
      configDir: ".",
      allowCustomEndpoint: false,
      ca: emulator.caPem,
      sharedCredentials,
    };
    const credentials = [];
    for (const tenant of scenario.tenants)
      credentials.push(await createCredential(tenant, context));
    // One sign-in first, so that what the library loads and keeps once is in the baseline.
    const [first, ...others] = credentials;
    await first?.getToken(`${emulator.url}/.default`);
    const before = liveAbortControllers();
    for (const credential of others) {
      const token = await credential.getToken(`${emulator.url}/.default`);
      expect(token?.token).toBeTruthy();
    }
    const after = liveAbortControllers();
    // One credential for the app: the tenants' token requests all went through it.
    expect(sharedCredentials.size).toBe(1);
    // Before the fix: one more per token request (and per metadata request), 11 or more.
    expect(after - before).toBeLessThan(3);
  });
});
