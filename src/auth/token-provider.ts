/**
 * Access tokens for one tenant, robustly:
 * - one token request in flight per tenant: concurrent callers share its promise (the library
 *   does not de-duplicate concurrent first calls, so ten parallel Graph calls would otherwise
 *   send ten token requests);
 * - cached until shortly before expiry, so every Graph attempt can ask for "the token" cheaply;
 * - bounded: the credential's pipeline has a per-request timeout, and a Promise.race here is the
 *   backstop for everything else (the library's own retries, a hanging assertion callback);
 * - failures become one AuthError with tenant, method, AADSTS code and text, and the likely fix.
 *   A failure is not cached: the next call tries again.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { AuthConfig, AuthMethod } from "../config/model.ts";
import { TokenTimeoutError, explainAuthFailure, type AuthFailureContext } from "./auth-error.ts";
import { DEFAULT_TOKEN_TIMEOUT_IN_MS } from "./credential.ts";
import { registerSecret } from "./redact.ts";

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

export interface TokenProvider {
  /**
   * A valid access token. `abortSignal` stops this caller's wait; the shared request goes on
   * for the others.
   */
  getAccessToken(abortSignal?: AbortSignal): Promise<string>;
}

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
  let cached: AccessToken | undefined;
  let inFlight: Promise<string> | undefined;

  async function requestToken(): Promise<string> {
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
      const token = await Promise.race([
        credential.getToken(options.scope, { abortSignal: controller.signal }),
        backstop,
      ]);
      if (token === null || token.token === "") {
        throw new Error("the credential returned no token");
      }
      registerSecret(token.token);
      cached = token;
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
    getAccessToken(abortSignal) {
      if (cached !== undefined && cached.expiresOnTimestamp - now() > margin)
        return Promise.resolve(cached.token);
      inFlight ??= requestToken().finally(() => {
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
