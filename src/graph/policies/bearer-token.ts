import { withHeaders, type PipelinePolicy } from "../pipeline.ts";
import { pathAndQuery } from "../request-text.ts";

export type GetAccessToken = (
  abortSignal?: AbortSignal,
  options?: { readonly fresh?: boolean },
) => Promise<string>;

/**
 * The bearer token on every attempt (the provider caches). A 401 mid-run means the token was
 * revoked or the tenant's policy changed: one fresh token and one more try; a fresh token
 * refused too is a real refusal. A failure to get a token ends the request as the provider's
 * own error: the provider already bounded and explained it, retrying here would only multiply
 * the wait.
 */
export function bearerTokenPolicy(
  getAccessToken: GetAccessToken,
  debug: (line: string) => void,
): PipelinePolicy {
  /** The token fetched fresh after a 401: a 401 to it is not retried again. */
  let lastFreshToken: string | undefined;
  return {
    name: "bearerToken",
    async sendRequest(request, next) {
      const token = await getAccessToken(request.abortSignal, undefined);
      const response = await next(withHeaders(request, { authorization: `Bearer ${token}` }));
      if (response.status !== 401 || token === lastFreshToken) return response;
      debug(
        `${request.method} ${pathAndQuery(request.url)} → 401 (attempt ${request.attempt}, client-request-id ${request.clientRequestId}): getting a fresh token and trying once more`,
      );
      const fresh = await getAccessToken(request.abortSignal, { fresh: true });
      lastFreshToken = fresh;
      return next(withHeaders(request, { authorization: `Bearer ${fresh}` }));
    },
  };
}
