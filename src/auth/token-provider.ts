/**
 * Access tokens for one tenant, robustly:
 * - one token request in flight per tenant: concurrent callers share its promise (the library
 *   does not de-duplicate concurrent first calls, so ten parallel Graph calls would otherwise
 *   send ten token requests);
 * - cached until shortly before expiry, so every Graph attempt can ask for "the token" cheaply;
 * - bounded: the credential's pipeline has a per-request timeout, and a Promise.race here is the
 *   backstop for everything else (the library's own retries, a hanging assertion callback);
 * - failures become one AuthError with tenant, method, AADSTS code and text, and the likely fix.
 *   A failure is not cached: the next call tries again;
 * - checked before use (`token-claims.ts`): a token for another tenant (`tid`), another resource
 *   (`aud`), or one already expired is refused, never sent to Graph;
 * - never used past its expiry: a short-lived token is replaced at half its life at the latest,
 *   so a token endpoint that hands out short lifetimes does not get one request per Graph call;
 * - `fresh: true` (after a 401) skips every cache, the library's too where it can be skipped.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { AuthConfig, AuthMethod } from "../config/model.ts";
import {
  AuthError,
  TokenTimeoutError,
  explainAuthFailure,
  type AuthFailureContext,
} from "./auth-error.ts";
import { DEFAULT_TOKEN_TIMEOUT_IN_MS } from "./credential.ts";
import { registerSecret } from "../redact.ts";
import { graphAudiences, tokenProblem } from "./token-claims.ts";

export interface TokenProviderOptions {
  readonly scope: string;
  readonly tenantName: string;
  readonly method: AuthMethod;
  /** The whole token request, library retries included. Default 30 s. */
  readonly timeoutInMs?: number;
  /** For more specific advice (the secret's variable name, the app id). */
  readonly auth?: AuthConfig;
  readonly tenantId?: string;
  readonly authorityHost?: string;
  /** A cached token is replaced when it has less than this left. Default 2 minutes. */
  readonly refreshMarginInMs?: number;
  readonly now?: () => number;
  /** One line per token request (never the token). */
  readonly debug?: (line: string) => void;
}

export interface GetAccessTokenOptions {
  /**
   * Ask the token endpoint again rather than use a cached token: Graph answered 401 to the
   * cached one (revoked, or the tenant's policy changed).
   */
  readonly fresh?: boolean;
}

export interface TokenProvider {
  /**
   * A valid access token. `abortSignal` stops this caller's wait; the shared request goes on
   * for the others.
   */
  getAccessToken(abortSignal?: AbortSignal, options?: GetAccessTokenOptions): Promise<string>;
}

/**
 * Credentials whose library cache `claims` bypasses (MSAL's confidential-client flows). The
 * others (managed identity, Azure CLI, the default chain) would refuse or misread a claims
 * challenge, so for them `fresh` only skips our own cache.
 */
const CLAIMS_BYPASS_CACHE: ReadonlySet<AuthMethod> = new Set([
  "clientSecret",
  "certificate",
  "workloadIdentity",
  "githubOidc",
]);

export function createTokenProvider(
  credential: TokenCredential,
  options: TokenProviderOptions,
): TokenProvider {
  const timeoutInMs = options.timeoutInMs ?? DEFAULT_TOKEN_TIMEOUT_IN_MS;
  const margin = options.refreshMarginInMs ?? 120_000;
  const now = options.now ?? (() => Date.now());
  const context: AuthFailureContext = {
    tenantName: options.tenantName,
    method: options.method,
    timeoutInMs,
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
    ...(options.authorityHost === undefined ? {} : { authorityHost: options.authorityHost }),
  };
  const audiences = graphAudiences(options.scope);
  let cached: { readonly token: AccessToken; readonly refreshAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function requestToken(fresh: boolean): Promise<string> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const backstop = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new TokenTimeoutError(`no token within ${timeoutInMs} ms`));
      }, timeoutInMs);
    });
    const started = now();
    try {
      // A claims challenge (as for Continuous Access Evaluation) is the one way to make MSAL
      // skip its own cache; the value asks for a token issued from now on.
      const claims =
        fresh && CLAIMS_BYPASS_CACHE.has(options.method)
          ? JSON.stringify({
              access_token: {
                nbf: { essential: true, value: String(Math.floor(now() / 1000)) },
              },
            })
          : undefined;
      const token = await Promise.race([
        credential.getToken(options.scope, {
          abortSignal: controller.signal,
          ...(claims === undefined ? {} : { claims }),
        }),
        backstop,
      ]);
      if (token === null || token.token === "") {
        throw new Error("the credential returned no token");
      }
      registerSecret(token.token);
      const received = now();
      const checked = tokenProblem(
        token.token,
        token.expiresOnTimestamp,
        { audiences, ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }) },
        received,
      );
      if (checked.problem !== undefined) {
        throw new AuthError(
          `tenant ${options.tenantName}: ${checked.problem}; refusing to use it (nothing was sent to Graph with it). Check the tenant's tenantId and cloud in the configuration, and AZURE_AUTHORITY_HOST or INTUNE_GITOPS_GRAPH_URL if set`,
          { tenant: options.tenantName, method: options.method },
        );
      }
      if (checked.nonJwt) {
        options.debug?.(
          `auth ${options.tenantName}: the token is not a JWT: its tenant and audience cannot be checked here (Graph checks them)`,
        );
      }
      // Replaced `margin` before expiry, or at half its life when it lives shorter than that.
      const lifetime = token.expiresOnTimestamp - received;
      cached = {
        token,
        refreshAt: Math.max(token.expiresOnTimestamp - margin, received + lifetime / 2),
      };
      options.debug?.(
        `auth ${options.tenantName}: token from ${options.method} in ${now() - started} ms, valid for ${Math.round(
          (token.expiresOnTimestamp - now()) / 1000,
        )} s`,
      );
      return token.token;
    } catch (error) {
      const explained = explainAuthFailure(error, context);
      options.debug?.(
        `auth ${options.tenantName}: token request failed after ${now() - started} ms`,
      );
      throw explained;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    getAccessToken(abortSignal, requestOptions) {
      const fresh = requestOptions?.fresh === true;
      if (!fresh && cached !== undefined && now() < cached.refreshAt)
        return Promise.resolve(cached.token.token);
      if (fresh) cached = undefined;
      inFlight ??= requestToken(fresh).finally(() => {
        inFlight = undefined;
      });
      return abortSignal === undefined ? inFlight : raceAbort(inFlight, abortSignal);
    },
  };
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new Error("the token request was cancelled");
}
