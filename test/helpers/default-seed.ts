import { fileURLToPath } from "node:url";
import {
  DEFAULT_SEED_URL,
  loadSeed,
  type EmulatorSeed,
  type SeedObject,
} from "../../src/emulator/seed.ts";

/**
 * What the emulator's default seed (config-examples/.emulator/seed.yaml) holds, for tests that
 * sign in to it or look for its objects. One place, so a change to the seed is one change here.
 */
export const DEFAULT_SEED = {
  contoso: {
    tenantId: "6babcaad-604b-40ac-a9d7-9fd97c0b779f",
    teamViewerId: "2d4b6f81-93a5-4c7e-b1d3-5f7a9c1e3b5d",
    jamfId: "8e1f3a5c-7b9d-4f2e-a4c6-1d3f5b7e9a2c",
  },
  fabrikam: {
    tenantId: "3f2b8c4d-1e6a-4b9f-a7d5-8c0e2b4f6a19",
    teamViewerId: "6c8e0a2b-4d6f-4a1c-9e3b-7f9d1b3c5e7a",
  },
  /** ReadWrite in both tenants. */
  demoApp: {
    clientId: "9a3c1f0e-5b7d-4e2a-8c61-2f4d8b9e7a13",
    secret: "demo-client-secret-for-the-local-emulator",
  },
  /** DeviceManagementServiceConfig.Read.All in contoso only. */
  readOnlyApp: {
    clientId: "5e0d6f7a-3b2c-4d1e-8f9a-0b1c2d3e4f5a",
    secret: "read-only-demo-secret",
  },
};

/** The default seed with contoso's remoteAssistancePartners replaced by what `edit` makes of them. */
export function defaultSeedWithContosoPartners(
  edit: (partners: readonly SeedObject[]) => SeedObject[],
): EmulatorSeed {
  const seed = loadSeed(fileURLToPath(DEFAULT_SEED_URL));
  return {
    tenants: seed.tenants.map((tenant) =>
      tenant.tenantId === DEFAULT_SEED.contoso.tenantId
        ? { ...tenant, remoteAssistancePartners: edit(tenant.remoteAssistancePartners ?? []) }
        : tenant,
    ),
  };
}
