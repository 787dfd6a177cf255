import type { AuthConfig, TenantConfig } from "../../src/config/model.ts";
import type { Emulator } from "../../src/emulator/index.ts";
import type { GraphVersion } from "../../src/resources/types.ts";

/** The default seed's demo tenants and apps (config-examples/.emulator/seed.yaml). */
export const CONTOSO_ID = "6babcaad-604b-40ac-a9d7-9fd97c0b779f";
export const FABRIKAM_ID = "3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a19";
export const DEMO_APP = "9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13";
export const DEMO_SECRET = "demo-client-secret-for-the-local-emulator";
export const READ_ONLY_APP = "5e0d6f7a-3b2c-4d1e-8f9a-0b1c2d3e4f5a";
export const READ_ONLY_SECRET = "read-only-demo-secret";

export const RA_PATH = "/deviceManagement/remoteAssistancePartners";
export const DMP_PATH = "/deviceManagement/deviceManagementPartners";

/** A tenant as the config loader would give it. */
export function tenantConfig(
  name: string,
  tenantId: string,
  auth: AuthConfig,
  graphVersion: GraphVersion = "beta",
): TenantConfig {
  return {
    name,
    tenantId,
    cloud: "global",
    graphVersion,
    auth,
    source: { file: "tenants.yaml", line: 1, column: 1 },
  };
}

/** The environment a CLI run against the emulator has: both endpoints pointed at it. */
export function emulatorEnv(
  emulator: Emulator,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { INTUNE_GITOPS_GRAPH_URL: emulator.url, AZURE_AUTHORITY_HOST: emulator.url, ...extra };
}

/** Graph requests the emulator logged (token and discovery requests left out). */
export function graphRequests(emulator: Emulator) {
  return emulator.requests.filter((entry) => entry.kind === "graph");
}

export function tokenRequests(emulator: Emulator) {
  return emulator.requests.filter((entry) => entry.kind === "token");
}
