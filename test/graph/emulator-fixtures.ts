import type { AuthConfig, TenantConfig } from "../../src/config/model.ts";
import type { Emulator } from "../../src/emulator/index.ts";
import type { GraphVersion } from "../../src/resources/types.ts";
import { DEFAULT_SEED } from "../helpers/default-seed.ts";

/** The default seed's demo tenants and apps (see test/helpers/default-seed.ts). */
export const CONTOSO_ID = DEFAULT_SEED.contoso.tenantId;
export const FABRIKAM_ID = DEFAULT_SEED.fabrikam.tenantId;
export const DEMO_APP = DEFAULT_SEED.demoApp.clientId;
export const DEMO_SECRET = DEFAULT_SEED.demoApp.secret;
export const READ_ONLY_APP = DEFAULT_SEED.readOnlyApp.clientId;
export const READ_ONLY_SECRET = DEFAULT_SEED.readOnlyApp.secret;

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
