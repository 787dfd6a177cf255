import type { DesiredState, TenantConfig } from "../config/model.ts";
import type { GraphOperation } from "../auth/permissions.ts";
import type { GraphRequestEvent } from "../graph/client.ts";
import type { GraphClient } from "../graph/types.ts";
import type { GraphVersion } from "../resources/types.ts";

/** What a run needs to reach the tenants; the CLI fills it from flags and the environment. */
export interface ConnectionSettings {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly configDir: string;
  readonly allowCustomEndpoint: boolean;
  /** Extra CA to trust (in-process tests); CLI runs use NODE_EXTRA_CA_CERTS. */
  readonly ca?: string;
  readonly tokenTimeoutInMs?: number;
  readonly requestTimeoutInMs?: number;
  readonly debug?: (line: string) => void;
  readonly onRequest?: (event: GraphRequestEvent) => void;
}

/**
 * One Graph client per tenant, connected on first use and shared by everyone who asks (so one
 * credential, one token request, one permission preflight per tenant and run). A tenant that
 * cannot connect rejects every ask with the same error; the other tenants are unaffected.
 */
export function createConnectionPool(
  state: DesiredState,
  operation: GraphOperation,
  settings: ConnectionSettings,
): (tenant: string) => Promise<GraphClient> {
  const connections = new Map<string, Promise<GraphClient>>();
  return (tenantName) => {
    let connection = connections.get(tenantName);
    if (connection === undefined) {
      connection = connect(tenantOf(state, tenantName), state, operation, settings);
      connections.set(tenantName, connection);
    }
    return connection;
  };
}

async function connect(
  tenant: TenantConfig,
  state: DesiredState,
  operation: GraphOperation,
  settings: ConnectionSettings,
): Promise<GraphClient> {
  // Loaded here, not at the top: `validate` and `schema` never pay for @azure/identity.
  const { connectTenant } = await import("../graph/connect.ts");
  const connection = await connectTenant(tenant, {
    env: settings.env,
    configDir: settings.configDir,
    allowCustomEndpoint: settings.allowCustomEndpoint,
    operation,
    graphVersions: graphVersionsOf(state, tenant.name),
    ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    ...(settings.tokenTimeoutInMs === undefined
      ? {}
      : { tokenTimeoutInMs: settings.tokenTimeoutInMs }),
    ...(settings.debug === undefined ? {} : { debug: settings.debug }),
    client: {
      ...(settings.requestTimeoutInMs === undefined
        ? {}
        : { timeoutInMs: settings.requestTimeoutInMs }),
      ...(settings.onRequest === undefined ? {} : { onRequest: settings.onRequest }),
    },
  });
  return connection.client;
}

function tenantOf(state: DesiredState, name: string): TenantConfig {
  const tenant = state.tenants.find((candidate) => candidate.name === name);
  if (tenant === undefined) throw new Error(`tenant ${name} is not in the configuration`);
  return tenant;
}

/** The Graph versions a tenant's declared objects use (the preflight checks each). */
function graphVersionsOf(state: DesiredState, tenant: string): GraphVersion[] {
  const versions = new Set<GraphVersion>();
  for (const object of state.objects)
    if (object.tenant === tenant) versions.add(object.graphVersion);
  if (versions.size === 0) {
    const declared = state.tenants.find((candidate) => candidate.name === tenant)?.graphVersion;
    if (declared !== undefined) versions.add(declared);
  }
  return [...versions];
}

/**
 * Which app a tenant signs in with, as a key for the applier's per-app write budget: tenants that
 * share a client id (a multi-tenant app) in one cloud share the app's budget. A managed identity
 * or default credential without a client id counts as one app per cloud: the safe side.
 */
export function appOfTenant(state: DesiredState): (tenant: string) => string {
  return (name) => {
    const tenant = tenantOf(state, name);
    const clientId =
      ("clientId" in tenant.auth ? tenant.auth.clientId : undefined) ?? `(${tenant.auth.method})`;
    return `${tenant.cloud} ${clientId.toLowerCase()}`;
  };
}
