import { createHash } from "node:crypto";
import type { EmulatorSeed } from "../../src/emulator/index.ts";

/**
 * A generated managed-service-provider fleet: `count` tenants (customer-000, customer-001, …)
 * that trust one multi-tenant app, each with a TeamViewer remote assistance partner that the
 * configuration declares `onboarded` in every tenant (`tenants: all`). The `drifted` tenants hold
 * it `notOnboarded`; the `broken` ones never consented to the app (sign-in fails there).
 */
export interface FleetOptions {
  readonly count: number;
  readonly drifted: ReadonlySet<number>;
  readonly broken: ReadonlySet<number>;
}

export const FLEET_APP = {
  clientId: "7b0c2d4e-6f81-4a93-b5c7-d9e1f3a5b7c9",
  secret: "fleet-client-secret-for-the-local-emulator",
} as const;

export function fleetTenantName(index: number): string {
  return `customer-${String(index).padStart(3, "0")}`;
}

/** A GUID derived from a text, so the fleet is the same on every run. */
function guid(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function fleetSeed(options: FleetOptions): EmulatorSeed {
  return {
    tenants: Array.from({ length: options.count }, (_, index) => ({
      name: fleetTenantName(index),
      tenantId: guid(`tenant ${index}`),
      apps: options.broken.has(index)
        ? []
        : [
            {
              clientId: FLEET_APP.clientId,
              secret: FLEET_APP.secret,
              roles: ["DeviceManagementServiceConfig.ReadWrite.All"],
            },
          ],
      remoteAssistancePartners: [
        {
          id: guid(`teamviewer ${index}`),
          displayName: "TeamViewer",
          onboardingUrl: "https://start.teamviewer.com/intune/",
          onboardingStatus: options.drifted.has(index) ? "notOnboarded" : "onboarded",
        },
      ],
    })),
  };
}

/** The configuration files (name → YAML) that manage the fleet. */
export function fleetConfig(options: FleetOptions): Record<string, string> {
  const tenants = Array.from(
    { length: options.count },
    (_, index) => `apiVersion: intune-gitops/v1
kind: Tenant
metadata: { name: ${fleetTenantName(index)} }
spec:
  tenantId: ${guid(`tenant ${index}`)}
  graphVersion: beta
  auth: { method: clientSecret, clientId: ${FLEET_APP.clientId}, clientSecretEnv: FLEET_SECRET }
`,
  ).join("---\n");
  return {
    "tenants.yaml": tenants,
    "remote-assistance.yaml": `apiVersion: intune-gitops/v1
kind: RemoteAssistancePartner
metadata: { name: teamviewer, tenants: all, match: { displayName: TeamViewer } }
spec:
  onboardingUrl: https://start.teamviewer.com/intune/
  onboardingStatus: onboarded
`,
  };
}
