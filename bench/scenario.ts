/**
 * The bench's world, generated in memory: T tenants that share one app registration (the
 * managed-service-provider set-up: one multi-tenant app consented in every customer tenant),
 * each with a few partner objects of both kinds, and the configuration that manages them.
 *
 * Deterministic: the same parameters give the same tenants, ids, objects and drift, so that the
 * bench process, its workers and the emulator process can each generate it on their own.
 */
import { createHash } from "node:crypto";
import type { DesiredObject, DesiredState, TenantConfig } from "../src/config/model.ts";
import type { EmulatorSeed, SeedObject, SeedTenant } from "../src/emulator/index.ts";
import type { JsonObject, JsonValue } from "../src/json.ts";

/** What to generate. */
export interface ScenarioParameters {
  readonly tenants: number;
  /** `remoteAssistancePartner` objects per tenant. */
  readonly remoteAssistancePartners: number;
  /** `deviceManagementPartner` objects per tenant. */
  readonly deviceManagementPartners: number;
  /** Share of all objects whose live state differs from the configuration, e.g. 0.1. */
  readonly driftFraction: number;
  /** Seed of the generator that picks the drifted objects. */
  readonly randomSeed: number;
}

/** The app every tenant trusts: the bench signs in to each tenant with it. */
export const BENCH_APP = {
  clientId: "7b0c2d4e-6f81-4a93-b5c7-d9e1f3a5b7c9",
  secret: "bench-client-secret-for-the-local-emulator",
  secretEnv: "AZURE_CLIENT_SECRET",
  roles: [
    "DeviceManagementServiceConfig.ReadWrite.All",
    "DeviceManagementConfiguration.ReadWrite.All",
    // Drift attribution reads the audit log of drifted tenants: its cost is measured too.
    "DeviceManagementApps.Read.All",
  ],
} as const;

/** One managed object, with everything the bench needs to check and to run the baseline. */
export interface BenchObject {
  readonly tenant: string;
  readonly kind: "RemoteAssistancePartner" | "DeviceManagementPartner";
  readonly collectionPath: string;
  /** The live id (the baseline addresses objects by id, as a per-resource tool's state does). */
  readonly id: string;
  readonly name: string;
  readonly displayName: string;
  /** The configuration's properties (what `plan` compares). */
  readonly desired: Readonly<Record<string, JsonValue>>;
  /** The same properties as the emulator holds them at the start. */
  readonly live: Readonly<Record<string, JsonValue>>;
  /** Whether `live` differs from `desired`. */
  readonly drifted: boolean;
}

/**
 * A generated scenario. Invariants: `objects` is in tenant order, then kind, then index;
 * `desired` differs from the live state in exactly the `drifted` objects, `desiredInSync` in none;
 * both declare the same objects and tenants.
 */
export interface Scenario {
  readonly parameters: ScenarioParameters;
  readonly seed: EmulatorSeed;
  readonly tenants: readonly TenantConfig[];
  readonly objects: readonly BenchObject[];
  /** The configuration with the drift: `plan` finds `driftedCount` changes. */
  readonly desired: DesiredState;
  /** A configuration equal to the live state: `plan` finds nothing to change. */
  readonly desiredInSync: DesiredState;
  readonly driftedCount: number;
}

const SOURCE = { file: "bench.yaml", line: 1, column: 1 };
const GROUP_TARGET = "#microsoft.graph.groupAssignmentTarget";

export function generateScenario(parameters: ScenarioParameters): Scenario {
  const { tenants: tenantCount } = parameters;
  if (!Number.isInteger(tenantCount) || tenantCount < 1)
    throw new RangeError(`tenants must be a positive integer, not ${tenantCount}`);
  const objects: BenchObject[] = [];
  const tenants: TenantConfig[] = [];
  for (let index = 0; index < tenantCount; index++) {
    const name = tenantName(index);
    tenants.push({
      name,
      tenantId: guid(`tenant/${name}`),
      cloud: "global",
      graphVersion: "beta",
      auth: {
        method: "clientSecret",
        clientId: BENCH_APP.clientId,
        clientSecretEnv: BENCH_APP.secretEnv,
      },
      source: SOURCE,
    });
    for (let n = 0; n < parameters.remoteAssistancePartners; n++) {
      objects.push(remoteAssistancePartner(name, n));
    }
    for (let n = 0; n < parameters.deviceManagementPartners; n++) {
      objects.push(deviceManagementPartner(name, n));
    }
  }

  // Exactly round(fraction × objects) drifted objects (at least one when the fraction is not 0),
  // picked at random so that they spread over tenants and both kinds as real drift does.
  const wanted =
    parameters.driftFraction <= 0
      ? 0
      : Math.min(
          objects.length,
          Math.max(1, Math.round(parameters.driftFraction * objects.length)),
        );
  const picked = new Set(shuffle(objects.length, parameters.randomSeed).slice(0, wanted));
  const withDrift = objects.map((object, index) =>
    picked.has(index) ? { ...object, live: driftOf(object), drifted: true } : object,
  );

  const seed: EmulatorSeed = {
    tenants: tenants.map((tenant): SeedTenant => {
      const mine = withDrift.filter((object) => object.tenant === tenant.name);
      return {
        name: tenant.name,
        tenantId: tenant.tenantId,
        apps: [
          {
            clientId: BENCH_APP.clientId,
            displayName: "intune-gitops bench",
            secret: BENCH_APP.secret,
            roles: [...BENCH_APP.roles],
          },
        ],
        remoteAssistancePartners: mine
          .filter((object) => object.kind === "RemoteAssistancePartner")
          .map(seedObject),
        deviceManagementPartners: mine
          .filter((object) => object.kind === "DeviceManagementPartner")
          .map(seedObject),
      };
    }),
  };

  const state = (spec: (object: BenchObject) => Readonly<Record<string, JsonValue>>) =>
    ({
      tenants,
      objects: withDrift.map((object): DesiredObject => ({
        kind: object.kind,
        name: object.name,
        tenant: object.tenant,
        match: { by: "displayName", displayName: object.displayName },
        graphVersion: "beta",
        spec: spec(object),
        source: SOURCE,
        propertySources: {},
      })),
      digest: "bench",
      files: ["bench.yaml"],
    }) satisfies DesiredState;

  return {
    parameters,
    seed,
    tenants,
    objects: withDrift,
    desired: state((object) => object.desired),
    desiredInSync: state((object) => object.live),
    driftedCount: wanted,
  };
}

/** `tenant-0001`, `tenant-0002`, …: sorted by name in creation order. */
export function tenantName(index: number): string {
  return `tenant-${String(index + 1).padStart(4, "0")}`;
}

function remoteAssistancePartner(tenant: string, n: number): BenchObject {
  const desired = {
    onboardingUrl: `https://partner-${n + 1}.example.com/intune/onboarding/`,
    onboardingStatus: "onboarded",
  };
  return {
    tenant,
    kind: "RemoteAssistancePartner",
    collectionPath: "/deviceManagement/remoteAssistancePartners",
    id: guid(`${tenant}/remoteAssistancePartners/${n}`),
    name: `remote-assistance-${n + 1}`,
    displayName: `Remote Assistance Partner ${n + 1}`,
    desired,
    live: desired,
    drifted: false,
  };
}

function deviceManagementPartner(tenant: string, n: number): BenchObject {
  const desired = {
    partnerAppType: "multiTenantApp",
    groupsRequiringPartnerEnrollment: [
      groupTarget(`${tenant}/group/a`),
      groupTarget(`${tenant}/group/b`),
    ],
  };
  return {
    tenant,
    kind: "DeviceManagementPartner",
    collectionPath: "/deviceManagement/deviceManagementPartners",
    id: guid(`${tenant}/deviceManagementPartners/${n}`),
    name: `device-management-${n + 1}`,
    displayName: `Device Management Partner ${n + 1}`,
    desired,
    live: desired,
    drifted: false,
  };
}

/** The live state of a drifted object: an admin changed one managed property in the portal. */
function driftOf(object: BenchObject): Readonly<Record<string, JsonValue>> {
  if (object.kind === "RemoteAssistancePartner") {
    return { ...object.live, onboardingStatus: "notOnboarded" };
  }
  return {
    ...object.live,
    groupsRequiringPartnerEnrollment: [groupTarget(`${object.tenant}/group/a`)],
  };
}

function groupTarget(seed: string): JsonObject {
  return { target: { "@odata.type": GROUP_TARGET, groupId: guid(seed) } };
}

/** The object as the emulator stores it: the managed properties plus the server-managed ones. */
function seedObject(object: BenchObject): SeedObject {
  const serverManaged =
    object.kind === "RemoteAssistancePartner"
      ? { lastConnectionDateTime: "2025-03-13T17:42:08.1234567Z" }
      : {
          partnerState: "enabled",
          isConfigured: true,
          lastHeartbeatDateTime: "2025-03-14T09:26:53.5897932Z",
        };
  return { id: object.id, displayName: object.displayName, ...serverManaged, ...object.live };
}

/** A GUID-shaped id derived from `seed`. */
function guid(seed: string): string {
  const hex = createHash("sha256").update(`intune-gitops-bench/${seed}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** 0..n-1 in a random order from a small seeded generator (mulberry32): the same for a seed. */
function shuffle(n: number, randomSeed: number): number[] {
  let state = randomSeed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const order = Array.from({ length: n }, (_, index) => index);
  for (let index = n - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  return order;
}
