/**
 * Secretless GitHub Actions: the runner hands out OpenID Connect ID tokens to a job that has
 * `permissions: id-token: write`, through `ACTIONS_ID_TOKEN_REQUEST_URL` (authenticated with
 * `ACTIONS_ID_TOKEN_REQUEST_TOKEN`). Entra ID accepts such a token as the client assertion of an
 * app that has a matching federated credential, so no secret is stored anywhere.
 *
 * The ID token lives a few minutes; `createGitHubAssertionProvider` caches it and asks for a new
 * one when fewer than `refreshMarginInMs` remain before its `exp` (read from the token, not
 * verified: Entra ID verifies it). Concurrent callers share one request.
 */
import { createHttpTransport } from "../http-transport.ts";
import { oneLine } from "../one-line.ts";
import { decodeJwtPayload } from "./permissions.ts";
import { redact, registerSecret } from "../redact.ts";

export const GITHUB_DEFAULT_AUDIENCE = "api://AzureADTokenExchange";

export interface GitHubAssertionOptions {
  /** `ACTIONS_ID_TOKEN_REQUEST_URL` */
  readonly requestUrl: string;
  /** `ACTIONS_ID_TOKEN_REQUEST_TOKEN` */
  readonly requestToken: string;
  readonly audience: string;
  readonly timeoutInMs: number;
  /** Extra CA (PEM) to trust, for tests. */
  readonly ca?: string;
  /** Refresh when the token has less than this left. Default 60 s. */
  readonly refreshMarginInMs?: number;
  readonly now?: () => number;
}

/** Thrown when the runner's token endpoint cannot give us a token; its message is safe to show. */
export class GitHubOidcError extends Error {
  override name = "GitHubOidcError";
}

const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Returns the `getAssertion` callback for a ClientAssertionCredential. */
export function createGitHubAssertionProvider(
  options: GitHubAssertionOptions,
): () => Promise<string> {
  registerSecret(options.requestToken);
  const now = options.now ?? (() => Date.now());
  const margin = options.refreshMarginInMs ?? 60_000;
  let cached: { token: string; expiresAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    let url: URL;
    try {
      url = new URL(options.requestUrl);
    } catch {
      throw new GitHubOidcError("ACTIONS_ID_TOKEN_REQUEST_URL is not a URL");
    }
    url.searchParams.set("audience", options.audience);
    // A fresh transport per request: the token is needed once every few minutes at most, and an
    // idle keep-alive socket must not outlive the run.
    const transport = createHttpTransport(options.ca === undefined ? {} : { ca: options.ca });
    let response;
    try {
      response = await transport.send({
        method: "GET",
        url,
        headers: {
          accept: "application/json",
          authorization: `bearer ${options.requestToken}`,
          "user-agent": "intune-gitops",
        },
        timeoutInMs: options.timeoutInMs,
        maxResponseBytes: MAX_RESPONSE_BYTES,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new GitHubOidcError(
        redact(
          `could not get an ID token from GitHub (ACTIONS_ID_TOKEN_REQUEST_URL, ${url.host}): ${reason}`,
        ),
      );
    } finally {
      transport.close();
    }
    const text = response.body.toString("utf8");
    if (response.status !== 200) {
      throw new GitHubOidcError(
        redact(
          `GitHub's ID token endpoint (${url.host}) answered HTTP ${response.status}: ${oneLine(text, 200) || "no body"}${
            response.status === 401 || response.status === 403
              ? " (ACTIONS_ID_TOKEN_REQUEST_TOKEN is only valid in the job that received it)"
              : ""
          }`,
        ),
      );
    }
    let token: unknown;
    try {
      token = (JSON.parse(text) as { value?: unknown }).value;
    } catch {
      token = undefined;
    }
    if (typeof token !== "string" || token === "") {
      throw new GitHubOidcError(
        `GitHub's ID token endpoint (${url.host}) answered without a token in "value"`,
      );
    }
    registerSecret(token);
    const exp = decodeJwtPayload(token)?.exp;
    // A token whose expiry cannot be read is used once: asking again is cheap, using a stale one is not.
    cached = typeof exp === "number" ? { token, expiresAt: exp * 1000 } : undefined;
    return token;
  }

  return () => {
    if (cached !== undefined && cached.expiresAt - now() > margin)
      return Promise.resolve(cached.token);
    inFlight ??= fetchToken().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}

/** Why githubOidc cannot work here, or undefined when the runner's variables are present. */
export function missingGitHubOidcVariables(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const missing = ["ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"].filter(
    (name) => (env[name] ?? "").trim() === "",
  );
  if (missing.length === 0) return undefined;
  return `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set: GitHub sets them only for a job with \`permissions: id-token: write\` (add it to the workflow or the job), and only inside GitHub Actions`;
}
