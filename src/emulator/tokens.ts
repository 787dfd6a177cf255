import { generateKeyPair, randomUUID, createHash, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { aadError } from "./aad-errors.ts";
import { authenticateClient } from "./client-authentication.ts";
import type { TokenClaimsFault } from "./faults.ts";
import { jsonResponse, type EmulatorResponse, type RequestIds } from "./http.ts";
import { decodeJwt, signJwt, verifyJwtSignature } from "./jwt.ts";
import type { DirectoryApp, ResolvedTenant } from "./seed.ts";

/**
 * The Entra ID side: OpenID discovery, the client_credentials token endpoint and the access
 * tokens it issues (RS256 JWTs, signed with a key made for this run), plus the check Graph makes
 * on them. The contract is the one measured in `shared/graph/AUTH-OFFLINE.md`.
 */

/** The claims of an access token that Graph acts on. */
export interface AccessTokenClaims {
  readonly tid: string;
  readonly appid: string;
  readonly roles: readonly string[];
}

export type AccessTokenCheck =
  | { readonly ok: true; readonly claims: AccessTokenClaims }
  | { readonly ok: false; readonly message: string };

/** What the token endpoint did, for the request log. */
export interface TokenOutcome {
  readonly response: EmulatorResponse;
  /** The tenant GUID, when the path named a known tenant. */
  readonly tenantId?: string;
}

/** Audiences Graph accepts: the national clouds' Graph roots, Graph's app id, and the emulator. */
const GRAPH_AUDIENCES = [
  "https://graph.microsoft.com",
  "https://graph.microsoft.us",
  "https://dod-graph.microsoft.us",
  "https://microsoftgraph.chinacloudapi.cn",
  "https://canary.graph.microsoft.com",
  "00000003-0000-0000-c000-000000000000",
];

export class TokenService {
  /** By lower-case tenant id and by lower-case name (both unique: the seed checks it). */
  readonly #byId: ReadonlyMap<string, ResolvedTenant>;
  readonly #byName: ReadonlyMap<string, ResolvedTenant>;
  readonly #privateKey: KeyObject;
  readonly #publicKey: KeyObject;
  readonly #keyId: string;
  readonly #lifetimeSeconds: number;

  /** Use `createTokenService`: the signing key is generated asynchronously. */
  constructor(
    tenants: readonly ResolvedTenant[],
    keys: { privateKey: KeyObject; publicKey: KeyObject },
    lifetimeSeconds: number,
  ) {
    // Every request looks its tenant up: an index, not a scan, at fleet scale.
    this.#byId = new Map(tenants.map((tenant) => [tenant.tenantId.toLowerCase(), tenant]));
    this.#byName = new Map(tenants.map((tenant) => [tenant.name.toLowerCase(), tenant]));
    this.#privateKey = keys.privateKey;
    this.#publicKey = keys.publicKey;
    this.#keyId = createHash("sha256")
      .update(keys.publicKey.export({ type: "spki", format: "der" }))
      .digest("base64url")
      .slice(0, 27);
    this.#lifetimeSeconds = lifetimeSeconds;
  }

  /** The tenant a path segment names: its GUID or its name (any case). */
  tenant(segment: string): ResolvedTenant | undefined {
    const wanted = segment.toLowerCase();
    return this.#byId.get(wanted) ?? this.#byName.get(wanted);
  }

  tenantById(tenantId: string): ResolvedTenant | undefined {
    return this.#byId.get(tenantId.toLowerCase());
  }

  /** `GET /{tenant}/v2.0/.well-known/openid-configuration` */
  openIdConfiguration(baseUrl: string, segment: string, ids: RequestIds): EmulatorResponse {
    const tenant = this.tenant(segment);
    if (!tenant) return aadError(ids, tenantNotFound(segment));
    const root = `${baseUrl}/${tenant.tenantId}`;
    return jsonResponse(200, {
      token_endpoint: `${root}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: [
        "client_secret_post",
        "private_key_jwt",
        "client_secret_basic",
      ],
      jwks_uri: `${root}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${root}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${root}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${root}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${root}/oauth2/v2.0/logout`,
      tenant_region_scope: "NA",
      cloud_instance_name: "microsoftonline.com",
      msgraph_host: new URL(baseUrl).host,
    });
  }

  /** `GET /{tenant}/discovery/v2.0/keys`: the public key access tokens are signed with. */
  keys(segment: string, ids: RequestIds): EmulatorResponse {
    if (!this.tenant(segment)) return aadError(ids, tenantNotFound(segment));
    const jwk = this.#publicKey.export({ format: "jwk" });
    return jsonResponse(200, {
      keys: [{ kty: "RSA", use: "sig", kid: this.#keyId, n: jwk.n, e: jwk.e }],
    });
  }

  /** `POST /{tenant}/oauth2/v2.0/token` with a form body. */
  issue(
    baseUrl: string,
    segment: string,
    form: URLSearchParams,
    ids: RequestIds,
    claims?: TokenClaimsFault,
  ): TokenOutcome {
    const tenant = this.tenant(segment);
    if (!tenant) return { response: aadError(ids, tenantNotFound(segment)) };
    const outcome = (response: EmulatorResponse): TokenOutcome => ({
      response,
      tenantId: tenant.tenantId,
    });
    const grantType = form.get("grant_type");
    if (grantType === null) {
      return outcome(
        aadError(ids, {
          status: 400,
          error: "invalid_request",
          code: 900144,
          description: "The request body must contain the following parameter: 'grant_type'.",
        }),
      );
    }
    if (grantType !== "client_credentials") {
      return outcome(
        aadError(ids, {
          status: 400,
          error: "unsupported_grant_type",
          code: 70003,
          description: `The app requested an unsupported grant type '${grantType ?? ""}': the emulator supports client_credentials only.`,
        }),
      );
    }
    const clientId = form.get("client_id") ?? "";
    const app = tenant.apps.find(
      (candidate) => candidate.clientId.toLowerCase() === clientId.toLowerCase(),
    );
    if (!app) {
      return outcome(
        aadError(ids, {
          status: 400,
          error: "unauthorized_client",
          code: 700016,
          description: `Application with identifier '${clientId}' was not found in the directory '${tenant.name}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        }),
      );
    }
    const resource = (form.get("scope") ?? "")
      .split(" ")
      .find((scope) => scope.endsWith("/.default"));
    if (resource === undefined) {
      return outcome(
        aadError(ids, {
          status: 400,
          error: "invalid_scope",
          code: 1002012,
          description: `The provided value for scope ${form.get("scope") ?? "(none)"} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        }),
      );
    }
    const nowSeconds = Math.floor(Date.now() / 1000);
    const isTokenEndpoint = (audience: string) => this.#isTokenEndpoint(baseUrl, tenant, audience);
    const authentication = authenticateClient(app, form, isTokenEndpoint, nowSeconds);
    if (!authentication.ok) return outcome(aadError(ids, authentication.failure));
    const lifetimeSeconds = claims?.expiresInSeconds ?? this.#lifetimeSeconds;
    const accessToken = this.#accessToken(baseUrl, tenant, app, nowSeconds, {
      aud: claims?.aud ?? resource.slice(0, -"/.default".length),
      tid: claims?.tid ?? tenant.tenantId,
      lifetimeSeconds,
    });
    return outcome(
      jsonResponse(200, {
        token_type: "Bearer",
        expires_in: lifetimeSeconds,
        ext_expires_in: lifetimeSeconds,
        access_token: accessToken,
      }),
    );
  }

  /**
   * What Graph checks before anything else: `Authorization: Bearer <token>` signed by this run's
   * key, within its lifetime, for Graph (`aud`), from a tenant the emulator serves.
   */
  verify(authorization: string | undefined, baseUrl: string): AccessTokenCheck {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
    if (!token) return { ok: false, message: "Access token is empty." };
    const jwt = decodeJwt(token);
    if (!jwt) {
      return {
        ok: false,
        message:
          "IDX14100: JWT is not well formed: the token needs to be in JWS Compact Serialization Format 'EncodedHeader.EncodedPayload.EncodedSignature'.",
      };
    }
    if (!verifyJwtSignature(jwt, this.#publicKey, ["RS256"])) {
      return { ok: false, message: "Access token validation failure. Invalid signature." };
    }
    const { tid, appid, roles, aud, exp, nbf } = jwt.payload;
    const nowSeconds = Date.now() / 1000;
    if (typeof exp !== "number" || exp <= nowSeconds)
      return { ok: false, message: "Lifetime validation failed, the token is expired." };
    if (typeof nbf === "number" && nbf > nowSeconds)
      return { ok: false, message: "Lifetime validation failed, the token is not yet valid." };
    const audiences = [...GRAPH_AUDIENCES, baseUrl];
    if (typeof aud !== "string" || !audiences.includes(aud.replace(/\/$/, ""))) {
      return { ok: false, message: "Access token validation failure. Invalid audience." };
    }
    if (typeof tid !== "string" || !this.tenantById(tid) || typeof appid !== "string") {
      return { ok: false, message: "Access token validation failure. Invalid tenant." };
    }
    const roleList = Array.isArray(roles)
      ? roles.filter((role): role is string => typeof role === "string")
      : [];
    return { ok: true, claims: { tid, appid, roles: roleList } };
  }

  #accessToken(
    baseUrl: string,
    tenant: ResolvedTenant,
    app: DirectoryApp,
    nowSeconds: number,
    claims: { readonly aud: string; readonly tid: string; readonly lifetimeSeconds: number },
  ): string {
    // The claims of a real app-only Graph token, minus the ones nothing here reads.
    const objectId = createHash("sha256")
      .update(`${tenant.tenantId}/${app.clientId}`)
      .digest("hex");
    const oid = `${objectId.slice(0, 8)}-${objectId.slice(8, 12)}-${objectId.slice(12, 16)}-${objectId.slice(16, 20)}-${objectId.slice(20, 32)}`;
    return signJwt(
      {
        aud: claims.aud,
        iss: `${baseUrl}/${tenant.tenantId}/v2.0`,
        iat: nowSeconds,
        nbf: nowSeconds,
        exp: nowSeconds + claims.lifetimeSeconds,
        app_displayname: app.displayName,
        appid: app.clientId,
        appidacr: "1",
        idtyp: "app",
        oid,
        sub: oid,
        roles: app.roles,
        tid: claims.tid,
        uti: randomUUID(),
        ver: "1.0",
      },
      this.#privateKey,
      "RS256",
      { kid: this.#keyId },
    );
  }

  #isTokenEndpoint(baseUrl: string, tenant: ResolvedTenant, audience: string): boolean {
    const match = /^(.*)\/([^/]+)\/oauth2\/v2\.0\/token\/?$/.exec(audience);
    return match?.[1] === baseUrl && this.tenant(match[2] ?? "") === tenant;
  }
}

export async function createTokenService(
  tenants: readonly ResolvedTenant[],
  lifetimeSeconds: number,
): Promise<TokenService> {
  const keys = await promisify(generateKeyPair)("rsa", { modulusLength: 2048 });
  return new TokenService(tenants, keys, lifetimeSeconds);
}

function tenantNotFound(segment: string) {
  return {
    status: 400,
    error: "invalid_tenant",
    code: 90002,
    description: `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  } as const;
}
