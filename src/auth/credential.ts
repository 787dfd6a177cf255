/**
 * One `@azure/identity` credential per tenant, from the tenant's `auth` block and the environment
 * (with client secrets, one per app registration shared by its tenants when the caller asks:
 * `sharedCredentials`).
 *
 * Everything that can be checked before the first token request is checked here, with a message
 * that names the variable or file to fix (never its content). `@azure/identity` is imported
 * lazily so that commands that never authenticate (`validate`, `schema`) do not load it.
 *
 * Every credential gets the same hardening:
 * - the tenant's authority host, with MSAL's instance discovery off for non-Microsoft hosts;
 * - a per-request timeout policy, because the library otherwise waits forever on a token
 *   endpoint that accepts the connection and never answers (the token provider adds a backstop);
 * - a policy that lets the library drop each request's AbortController once it is answered
 *   (`identity-abort-release.ts`: otherwise every credential keeps one per request for the run);
 * - an extra CA for in-process tests (`tlsOptions`), the system roots kept.
 */
import { createHash } from "node:crypto";
import { access } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import tls from "node:tls";
import type * as IdentityModule from "@azure/identity";
import type { ClientSecretCredentialOptions, TokenCredential } from "@azure/identity";
import type { AppRegistration, AuthConfig, TenantConfig } from "../config/model.ts";
import { GUID_PATTERN } from "../guid.ts";
import { appLabel, AuthError } from "./auth-error.ts";
import { resolveEndpoints, type ResolvedEndpoints } from "./endpoints.ts";
import {
  GITHUB_DEFAULT_AUDIENCE,
  createGitHubAssertionProvider,
  missingGitHubOidcVariables,
} from "./github-oidc.ts";
import { releaseAbortControllersPolicy } from "./identity-abort-release.ts";
import { registerSecret } from "../redact.ts";
import { FileReadError, readRegularFile } from "../read-regular-file.ts";

export interface CredentialContext {
  /** Where secrets and runner variables are read from (the CLI passes process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The configuration directory: relative certificate and token-file paths start here. */
  readonly configDir: string;
  readonly allowCustomEndpoint: boolean;
  /** Extra CA certificate (PEM) to trust, for in-process tests. */
  readonly ca?: string;
  /** Bound on each HTTP request the credential makes. Default 30 s. */
  readonly tokenTimeoutInMs?: number;
  /**
   * Credentials of app registrations that several tenants sign in with, shared for the run: one
   * credential (one MSAL client, one HTTP pipeline) per app instead of one per tenant, the tenant
   * given with each token request. Client-secret sign-in only. Without it, one per tenant.
   */
  readonly sharedCredentials?: Map<string, SharedCredential>;
}

/** A credential shared by the tenants of one app registration, and how many it serves. */
export interface SharedCredential {
  readonly credential: TokenCredential;
  tenants: number;
}

/**
 * Tenants per shared credential. MSAL looks a client-credentials token up by scanning its cache,
 * which holds a token per tenant: one credential for 2000 tenants made every sign-in scan 2000
 * tokens (more CPU than the per-tenant clients it saved). 64 keeps the scan short and still
 * divides the clients, pipelines and their memory by 64.
 */
export const TENANTS_PER_SHARED_CREDENTIAL = 64;

export const DEFAULT_TOKEN_TIMEOUT_IN_MS = 30_000;

type Env = CredentialContext["env"];

/** An environment variable's value, or an AuthError naming it (never showing a value). */
function requireVariable(env: Env, name: string, tenant: TenantConfig, purpose: string): string {
  const value = env[name];
  if (value === undefined) {
    throw new AuthError(
      `tenant ${tenant.name} (${tenant.auth.method}): the environment variable ${name} is not set; it must hold ${purpose}`,
      {
        tenant: tenant.name,
        method: tenant.auth.method,
      },
    );
  }
  if (value.trim() === "") {
    throw new AuthError(
      `tenant ${tenant.name} (${tenant.auth.method}): the environment variable ${name} is empty; it must hold ${purpose}`,
      {
        tenant: tenant.name,
        method: tenant.auth.method,
      },
    );
  }
  return value;
}

/**
 * The app's client id: \`clientId\`, or the variable \`clientIdEnv\` names, read with the same rules
 * as a secret (named in messages, its value never shown) and checked to be a GUID.
 */
function appClientId(auth: AppRegistration, env: Env, tenant: TenantConfig): string {
  if (auth.clientIdEnv === undefined) {
    if (auth.clientId !== undefined) return auth.clientId;
    throw new AuthError(
      `tenant ${tenant.name} (${tenant.auth.method}): set clientId or clientIdEnv`,
      {
        tenant: tenant.name,
        method: tenant.auth.method,
      },
    );
  }
  const value = requireVariable(
    env,
    auth.clientIdEnv,
    tenant,
    "the application (client) id of the app to sign in with",
  ).trim();
  if (!GUID_PATTERN.test(value)) {
    throw new AuthError(
      `tenant ${tenant.name} (${tenant.auth.method}): the environment variable ${auth.clientIdEnv} (clientIdEnv) does not hold a GUID; it must hold the application (client) id of the app to sign in with (Entra ID > App registrations > the app > Overview)`,
      { tenant: tenant.name, method: tenant.auth.method },
    );
  }
  return value;
}

function resolvePath(configDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(configDir, path);
}

/**
 * A PEM (key, certificate and chain) or a federated token is kilobytes. Both files are read only
 * if they are regular files (a FIFO would block the process past any signal) and never beyond this.
 */
const MAX_CREDENTIAL_FILE_BYTES = 1024 * 1024;

async function readPem(path: string, tenant: TenantConfig, origin: string): Promise<string> {
  let pem: string;
  try {
    pem = (await readRegularFile(path, MAX_CREDENTIAL_FILE_BYTES)).toString("utf8");
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    throw new AuthError(
      `tenant ${tenant.name} (${tenant.auth.method}): cannot read the certificate file ${path} (${origin}): ${error.message}`,
      {
        tenant: tenant.name,
        method: tenant.auth.method,
      },
    );
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem) || !/-----BEGIN CERTIFICATE-----/.test(pem)) {
    throw new AuthError(
      `tenant ${tenant.name} (${tenant.auth.method}): ${path} must be a PEM file holding both the private key and the certificate (e.g. \`cat key.pem cert.pem > app.pem\`)`,
      { tenant: tenant.name, method: tenant.auth.method },
    );
  }
  // The private key is a secret: make sure no message can ever carry it.
  for (const block of pem.match(
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  ) ?? []) {
    registerSecret(block);
  }
  return pem;
}

async function readAssertionFile(path: string, tenant: TenantConfig): Promise<string> {
  let token: string;
  try {
    token = (await readRegularFile(path, MAX_CREDENTIAL_FILE_BYTES)).toString("utf8").trim();
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    throw new AuthError(
      `tenant ${tenant.name} (workloadIdentity): cannot read the federated token file ${path}: ${error.message}`,
      {
        tenant: tenant.name,
        method: "workloadIdentity",
      },
    );
  }
  if (token === "") {
    throw new AuthError(
      `tenant ${tenant.name} (workloadIdentity): the federated token file ${path} is empty`,
      {
        tenant: tenant.name,
        method: "workloadIdentity",
      },
    );
  }
  registerSecret(token);
  return token;
}

type PipelinePolicy = NonNullable<
  ClientSecretCredentialOptions["additionalPolicies"]
>[number]["policy"];

/** Sets a timeout on every HTTP request the credential's pipeline sends. */
function requestTimeoutPolicy(timeoutInMs: number): PipelinePolicy {
  return {
    name: "intuneGitopsRequestTimeout",
    sendRequest(request, next) {
      request.timeout = timeoutInMs;
      return next(request);
    },
  };
}

/** A shared credential that asks for tokens of one tenant. */
function forTenant(shared: TokenCredential, tenantId: string): TokenCredential {
  return { getToken: (scopes, options) => shared.getToken(scopes, { ...options, tenantId }) };
}

/** Options every credential shares. */
function commonOptions(
  endpoints: ResolvedEndpoints,
  context: CredentialContext,
): ClientSecretCredentialOptions {
  return {
    authorityHost: endpoints.authorityHost,
    disableInstanceDiscovery: endpoints.disableInstanceDiscovery,
    additionalPolicies: [
      { position: "perCall", policy: releaseAbortControllersPolicy() },
      {
        position: "perCall",
        policy: requestTimeoutPolicy(context.tokenTimeoutInMs ?? DEFAULT_TOKEN_TIMEOUT_IN_MS),
      },
    ],
    ...(context.ca === undefined
      ? {}
      : { tlsOptions: { ca: [...tls.rootCertificates, context.ca] } }),
    loggingOptions: { allowLoggingAccountIdentifiers: false },
  };
}

/**
 * Builds the tenant's credential. Throws AuthError for anything missing in the configuration or
 * environment (a variable, a file, the GitHub runner's OIDC variables).
 */
export async function createCredential(
  tenant: TenantConfig,
  context: CredentialContext,
  /** The tenant's endpoints, when the caller has resolved them already. */
  endpoints: ResolvedEndpoints = resolveEndpoints(tenant, context.env, {
    allowCustomEndpoint: context.allowCustomEndpoint,
  }),
): Promise<TokenCredential> {
  const options = commonOptions(endpoints, context);
  const identity = await import("@azure/identity");
  const auth: AuthConfig = tenant.auth;
  const { tenantId } = tenant;

  switch (auth.method) {
    case "clientSecret": {
      const clientId = appClientId(auth, context.env, tenant);
      const secret = requireVariable(
        context.env,
        auth.clientSecretEnv,
        tenant,
        `the client secret of ${appLabel(auth) ?? "the app"}`,
      );
      registerSecret(secret);
      const shared = context.sharedCredentials;
      if (shared === undefined)
        return new identity.ClientSecretCredential(tenantId, clientId, secret, options);
      // The same app, secret and authority: the same credential. The secret's digest is part of
      // the key so that two variables holding different secrets never share one.
      const key = JSON.stringify([
        endpoints.authorityHost,
        clientId.toLowerCase(),
        createHash("sha256").update(secret).digest("hex"),
        context.ca === undefined ? "" : createHash("sha256").update(context.ca).digest("hex"),
      ]);
      let entry = shared.get(key);
      if (entry === undefined || entry.tenants >= TENANTS_PER_SHARED_CREDENTIAL) {
        const credential = new identity.ClientSecretCredential(tenantId, clientId, secret, {
          ...options,
          // Any of the run's tenants: each token request names its own (below).
          additionallyAllowedTenants: ["*"],
        });
        // A full credential keeps serving its tenants; the next ones get this new one.
        entry = { credential, tenants: 0 };
        shared.set(key, entry);
      }
      entry.tenants++;
      return forTenant(entry.credential, tenantId);
    }
    case "certificate": {
      const clientId = appClientId(auth, context.env, tenant);
      const path = resolvePath(context.configDir, auth.certificatePath);
      const certificate = await readPem(path, tenant, "certificatePath");
      const password =
        auth.certificatePasswordEnv === undefined
          ? undefined
          : requireVariable(
              context.env,
              auth.certificatePasswordEnv,
              tenant,
              `the password of ${path}`,
            );
      registerSecret(password);
      return new identity.ClientCertificateCredential(
        tenantId,
        clientId,
        password === undefined ? { certificate } : { certificate, certificatePassword: password },
        options,
      );
    }
    case "workloadIdentity": {
      const clientId = appClientId(auth, context.env, tenant);
      const configured =
        auth.tokenFile === undefined ? undefined : resolvePath(context.configDir, auth.tokenFile);
      const path = configured ?? context.env.AZURE_FEDERATED_TOKEN_FILE?.trim();
      if (path === undefined || path === "") {
        throw new AuthError(
          `tenant ${tenant.name} (workloadIdentity): no federated token file: set auth.tokenFile, or AZURE_FEDERATED_TOKEN_FILE (Azure Kubernetes Service's workload identity sets it; on GitHub Actions use method githubOidc)`,
          { tenant: tenant.name, method: auth.method },
        );
      }
      try {
        await access(path);
      } catch {
        throw new AuthError(
          `tenant ${tenant.name} (workloadIdentity): the federated token file ${path} (${configured === undefined ? "AZURE_FEDERATED_TOKEN_FILE" : "auth.tokenFile"}) does not exist or is not readable`,
          { tenant: tenant.name, method: auth.method },
        );
      }
      // Read on every token request: the platform rotates the file.
      return new identity.ClientAssertionCredential(
        tenantId,
        clientId,
        () => readAssertionFile(path, tenant),
        options,
      );
    }
    case "githubOidc": {
      const clientId = appClientId(auth, context.env, tenant);
      const missing = missingGitHubOidcVariables(context.env);
      if (missing !== undefined) {
        throw new AuthError(`tenant ${tenant.name} (githubOidc): ${missing}`, {
          tenant: tenant.name,
          method: auth.method,
        });
      }
      const getAssertion = createGitHubAssertionProvider({
        requestUrl: context.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? "",
        requestToken: context.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? "",
        audience: auth.audience ?? GITHUB_DEFAULT_AUDIENCE,
        timeoutInMs: context.tokenTimeoutInMs ?? DEFAULT_TOKEN_TIMEOUT_IN_MS,
        ...(context.ca === undefined ? {} : { ca: context.ca }),
      });
      return new identity.ClientAssertionCredential(tenantId, clientId, getAssertion, options);
    }
    case "managedIdentity": {
      const {
        authorityHost: _authorityHost,
        disableInstanceDiscovery: _discovery,
        ...rest
      } = options;
      return auth.clientId === undefined
        ? new identity.ManagedIdentityCredential(rest)
        : new identity.ManagedIdentityCredential({ ...rest, clientId: auth.clientId });
    }
    case "azureCli":
      return new identity.AzureCliCredential({
        tenantId,
        processTimeoutInMs: context.tokenTimeoutInMs ?? DEFAULT_TOKEN_TIMEOUT_IN_MS,
      });
    case "default":
      return new identity.DefaultAzureCredential({
        ...options,
        tenantId,
        processTimeoutInMs: context.tokenTimeoutInMs ?? DEFAULT_TOKEN_TIMEOUT_IN_MS,
        ...(auth.clientId === undefined
          ? {}
          : { managedIdentityClientId: auth.clientId, workloadIdentityClientId: auth.clientId }),
      });
    case "environment":
      return environmentCredential(identity, tenant, context, options);
  }
}

/**
 * `EnvironmentCredential`'s variables, read from the context's environment, with the tenant id
 * taken from the configuration instead of AZURE_TENANT_ID: so one multi-tenant app (one
 * AZURE_CLIENT_ID and secret or certificate) serves every tenant in the configuration.
 */
async function environmentCredential(
  identity: typeof IdentityModule,
  tenant: TenantConfig,
  context: CredentialContext,
  options: ClientSecretCredentialOptions,
): Promise<TokenCredential> {
  const env = context.env;
  const clientId = requireVariable(
    env,
    "AZURE_CLIENT_ID",
    tenant,
    "the application (client) id of the app",
  );
  const secret = env.AZURE_CLIENT_SECRET;
  if (secret !== undefined && secret.trim() !== "") {
    registerSecret(secret);
    return new identity.ClientSecretCredential(tenant.tenantId, clientId, secret, options);
  }
  const certificatePath = env.AZURE_CLIENT_CERTIFICATE_PATH?.trim();
  if (certificatePath !== undefined && certificatePath !== "") {
    // Relative to the working directory, as EnvironmentCredential reads it.
    const certificate = await readPem(
      resolve(certificatePath),
      tenant,
      "AZURE_CLIENT_CERTIFICATE_PATH",
    );
    const password = env.AZURE_CLIENT_CERTIFICATE_PASSWORD;
    registerSecret(password);
    return new identity.ClientCertificateCredential(
      tenant.tenantId,
      clientId,
      password === undefined || password === ""
        ? { certificate }
        : { certificate, certificatePassword: password },
      { ...options, sendCertificateChain: env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN === "true" },
    );
  }
  throw new AuthError(
    `tenant ${tenant.name} (environment): set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH (with AZURE_CLIENT_ID) for the app that serves this tenant`,
    { tenant: tenant.name, method: "environment" },
  );
}
