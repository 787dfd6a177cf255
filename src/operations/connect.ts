/**
 * From a tenant's configuration to a ready Graph client, in the order that gives the clearest
 * failures: endpoints (checked overrides) → credential (missing variables and files) → a first
 * token (AADSTS errors, timeouts) → the permission preflight for the operation and every Graph
 * version it will use → the client. Each step fails with one AuthError naming the tenant; no
 * Graph call is made before the preflight has passed.
 */
import type { TenantConfig } from "../config/model.ts";
import { GRAPH_VERSIONS, type GraphVersion } from "../resources/types.ts";
import { AuthError } from "../auth/auth-error.ts";
import {
  createCredential,
  DEFAULT_TOKEN_TIMEOUT_IN_MS,
  type CredentialContext,
} from "../auth/credential.ts";
import { resolveEndpoints, type ResolvedEndpoints } from "../auth/endpoints.ts";
import {
  checkPermissions,
  missingOptionalPermission,
  tokenAppId,
  type GraphOperation,
} from "../auth/permissions.ts";
import { createTokenProvider, type TokenProvider } from "../auth/token-provider.ts";
import {
  createGraphClient,
  type GraphClientOptions,
  type HttpGraphClient,
} from "../graph/client.ts";

export interface ConnectTenantOptions extends OpenTenantOptions {
  /** What the run will do: the preflight checks the permissions for it. */
  readonly operation: GraphOperation;
  /** Every Graph version the run will use for this tenant. */
  readonly graphVersions: readonly GraphVersion[];
}

export interface TenantConnection {
  readonly client: HttpGraphClient;
  readonly endpoints: ResolvedEndpoints;
  readonly tokenProvider: TokenProvider;
}

/** A connection that passed the preflight, with what its token says for drift attribution. */
export interface ConnectedTenant extends TenantConnection {
  /**
   * The permission drift attribution lacks (it reads Intune's audit log), from the token's
   * claims; undefined when the token grants it or cannot be read. Optional: never an error.
   */
  readonly auditPermissionMissing: string | undefined;
  /** The app the token was issued to (`appid` / `azp`), when the token says. */
  readonly appId: string | undefined;
}

export interface OpenTenantOptions extends CredentialContext {
  /** Graph client settings (timeouts, retries, hooks); `graphUrl`, `tenant`, tokens and `ca` are filled in. */
  readonly client?: Omit<GraphClientOptions, "graphUrl" | "tenant" | "getAccessToken" | "ca">;
  readonly debug?: (line: string) => void;
}

/** A tenant signed in, with its first token in hand, before any permission is judged. */
export interface OpenedTenant extends TenantConnection {
  /** The first access token: in memory only, for reading its claims; never printed or saved. */
  readonly accessToken: string;
}

export async function connectTenant(
  tenant: TenantConfig,
  options: ConnectTenantOptions,
): Promise<ConnectedTenant> {
  const opened = await openTenant(tenant, options);
  const versions = GRAPH_VERSIONS.filter((version) => options.graphVersions.includes(version));
  const problems = versions.flatMap((graphVersion) => {
    const problem = checkPermissions(opened.accessToken, {
      operation: options.operation,
      graphVersion,
      ...(options.debug === undefined ? {} : { debug: options.debug }),
    });
    return problem === undefined ? [] : [problem];
  });
  if (problems.length > 0) {
    opened.client.close();
    throw new AuthError(
      `tenant ${tenant.name} (${tenant.auth.method}): ${problems.join("; and ")}`,
      { tenant: tenant.name, method: tenant.auth.method, failureCause: "permissions" },
    );
  }
  return {
    client: opened.client,
    endpoints: opened.endpoints,
    tokenProvider: opened.tokenProvider,
    auditPermissionMissing: missingOptionalPermission(opened.accessToken, "audit-events"),
    appId: tokenAppId(opened.accessToken),
  };
}

/**
 * Endpoints, credential, a first token (checked for tenant, audience and expiry by the token
 * provider) and a Graph client, without the permission preflight: for `doctor`, which reports
 * each permission as a finding instead of stopping at the first one missing. No Graph call is
 * made here.
 */
export async function openTenant(
  tenant: TenantConfig,
  options: OpenTenantOptions,
): Promise<OpenedTenant> {
  const endpoints = resolveEndpoints(tenant, options.env, {
    allowCustomEndpoint: options.allowCustomEndpoint,
  });
  const credential = await createCredential(tenant, options, endpoints);
  const tokenProvider = createTokenProvider(credential, {
    scope: endpoints.scope,
    tenantName: tenant.name,
    method: tenant.auth.method,
    timeoutInMs: options.tokenTimeoutInMs ?? DEFAULT_TOKEN_TIMEOUT_IN_MS,
    auth: tenant.auth,
    tenantId: tenant.tenantId,
    authorityHost: endpoints.authorityHost,
    ...(options.debug === undefined ? {} : { debug: options.debug }),
  });
  const accessToken = await tokenProvider.getAccessToken();
  const client = createGraphClient({
    // HTTPS_PROXY / NO_PROXY from the run's environment, as @azure/identity honours them for
    // the token requests (Node >= 24.5 agents; older Node versions ignore the option).
    proxyEnv: options.env,
    ...options.client,
    graphUrl: endpoints.graphUrl,
    tenant: tenant.name,
    getAccessToken: (abortSignal, tokenOptions) =>
      tokenProvider.getAccessToken(abortSignal, tokenOptions),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.debug === undefined || options.client?.debug !== undefined
      ? {}
      : { debug: options.debug }),
  });
  return { client, endpoints, tokenProvider, accessToken };
}
