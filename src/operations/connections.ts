import type { DesiredState, TenantConfig } from "../config/model.ts";
import type { SharedCredential } from "../auth/credential.ts";
import type { GraphOperation } from "../auth/permissions.ts";
import type { GraphRequestEvent } from "../graph/client.ts";
import type { AuditEventReader, GraphClient } from "../graph/types.ts";
import type { GraphVersion } from "../resources/types.ts";
import type * as ConnectModule from "./connect.ts";
import type { ConnectedTenant } from "./connect.ts";

type GraphModules = typeof ConnectModule;

/**
 * The sign-in and Graph client modules, loaded once. Not imported at the top: `validate` and
 * `schema` never pay for @azure/identity (a few hundred milliseconds and tens of MB).
 */
let graphModules: Promise<GraphModules> | undefined;

function loadGraphModules(): Promise<GraphModules> {
  graphModules ??= import("./connect.ts");
  return graphModules;
}

/**
 * Starts loading the sign-in and Graph modules now, for a command that will connect once its
 * configuration is loaded: the two overlap (file reads on both sides) instead of running one
 * after the other. A failure surfaces at the first connection, which awaits the same load.
 */
export function startLoadingGraphModules(): void {
  loadGraphModules().catch(() => undefined);
}

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
 * Whether a tenant's audit log can be read for drift attribution: a reader and the app this run
 * signs in as (to recognise its own changes), or the permission the token lacks.
 */
export type AuditAccess =
  | { readonly reader: AuditEventReader; readonly appId: string | undefined }
  | { readonly missingPermission: string };

/** `clientFor(tenant)`, and what else a tenant's one connection offers. */
export interface ConnectionPool {
  (tenant: string): Promise<GraphClient>;
  /** Rejects as the tenant's connection does. */
  auditAccess(tenant: string): Promise<AuditAccess>;
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
): ConnectionPool {
  const connections = new Map<string, Promise<ConnectedTenant>>();
  // One pass over the configuration, not one per tenant: fleets have thousands of tenants.
  const targets = connectionTargets(state);
  // One credential per app registration for the run, shared by the tenants that sign in with it.
  const sharedCredentials = new Map<string, SharedCredential>();
  const connectionOf = (tenantName: string): Promise<ConnectedTenant> => {
    let connection = connections.get(tenantName);
    if (connection === undefined) {
      const target = targets.get(tenantName);
      connection =
        target === undefined
          ? Promise.reject(new Error(`tenant ${tenantName} is not in the configuration`))
          : connect(target.tenant, target.graphVersions, operation, {
              ...settings,
              sharedCredentials,
            });
      connections.set(tenantName, connection);
    }
    return connection;
  };
  return Object.assign(
    async (tenantName: string): Promise<GraphClient> => (await connectionOf(tenantName)).client,
    {
      auditAccess: async (tenantName: string): Promise<AuditAccess> => {
        const connection = await connectionOf(tenantName);
        return connection.auditPermissionMissing === undefined
          ? { reader: connection.client, appId: connection.appId }
          : { missingPermission: connection.auditPermissionMissing };
      },
    },
  );
}

/** A tenant and every Graph version its declared objects use (the preflight checks each). */
interface ConnectionTarget {
  readonly tenant: TenantConfig;
  readonly graphVersions: readonly GraphVersion[];
}

/**
 * Each tenant with the Graph versions of its objects, or its own default version when it has
 * none. Linear in tenants + objects.
 */
function connectionTargets(state: DesiredState): Map<string, ConnectionTarget> {
  const versions = new Map<string, Set<GraphVersion>>();
  for (const object of state.objects) {
    const used = versions.get(object.tenant) ?? new Set<GraphVersion>();
    versions.set(object.tenant, used);
    used.add(object.graphVersion);
  }
  const targets = new Map<string, ConnectionTarget>();
  for (const tenant of state.tenants) {
    // The first declaration of a name wins, as `find` did (the loader rejects duplicates).
    if (targets.has(tenant.name)) continue;
    const used = versions.get(tenant.name);
    targets.set(tenant.name, {
      tenant,
      graphVersions: used === undefined ? [tenant.graphVersion] : [...used],
    });
  }
  return targets;
}

async function connect(
  tenant: TenantConfig,
  graphVersions: readonly GraphVersion[],
  operation: GraphOperation,
  settings: ConnectionSettings & { readonly sharedCredentials: Map<string, SharedCredential> },
): Promise<ConnectedTenant> {
  const { connectTenant } = await loadGraphModules();
  const connection = await connectTenant(tenant, {
    env: settings.env,
    configDir: settings.configDir,
    allowCustomEndpoint: settings.allowCustomEndpoint,
    operation,
    graphVersions,
    sharedCredentials: settings.sharedCredentials,
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
  return connection;
}

/**
 * Which app a tenant signs in with, as a key for the applier's per-app write budget: tenants that
 * share a client id (a multi-tenant app) in one cloud share the app's budget. A managed identity
 * or default credential without a client id counts as one app per cloud: the safe side.
 */
export function appOfTenant(state: DesiredState): (tenant: string) => string {
  // Indexed once: the applier asks per tenant, and fleets have thousands.
  const byName = new Map<string, TenantConfig>();
  for (const tenant of state.tenants) if (!byName.has(tenant.name)) byName.set(tenant.name, tenant);
  return (name) => {
    const tenant = byName.get(name);
    if (tenant === undefined) throw new Error(`tenant ${name} is not in the configuration`);
    const clientId =
      ("clientId" in tenant.auth ? tenant.auth.clientId : undefined) ?? `(${tenant.auth.method})`;
    return `${tenant.cloud} ${clientId.toLowerCase()}`;
  };
}
