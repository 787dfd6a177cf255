import { AttemptFailure } from "../attempt-failure.ts";
import { responseHeader, type PipelinePolicy } from "../pipeline.ts";

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Follows redirects within the origin of Graph's root (at most 5); a redirect anywhere else is an
 * error, never followed: the bearer token only ever goes to that origin. A redirect that would
 * turn a PATCH or POST into a GET is refused too. Each hop is a request Graph counts, so the
 * caller's `beforeSend` (the write budget) runs before every one.
 */
export function sameOriginRedirectPolicy(root: URL, debug: (line: string) => void): PipelinePolicy {
  return {
    name: "sameOriginRedirect",
    async sendRequest(request, next) {
      let current = request.url;
      for (let hop = 0; ; hop++) {
        await request.hooks.beforeSend?.(request.attempt);
        const response = await next({ ...request, url: current });
        const location = responseHeader(response, "location");
        if (!REDIRECT_STATUSES.has(response.status) || location === undefined) return response;
        const target = new URL(location, current);
        if (target.origin !== root.origin) {
          throw new AttemptFailure(
            `Graph answered HTTP ${response.status} with a redirect to ${target.host}; not following it: the access token is only ever sent to ${root.host}`,
            { retriable: false, status: response.status },
          );
        }
        const method = request.method;
        const keepsMethod = method === "GET" || response.status === 307 || response.status === 308;
        if (!keepsMethod || hop >= MAX_REDIRECTS) {
          throw new AttemptFailure(
            `Graph answered HTTP ${response.status} with a redirect that ${keepsMethod ? "leads to too many more" : `would turn the ${method} into a GET`}; not following it`,
            { retriable: false, status: response.status },
          );
        }
        debug(
          `${method} ${current.pathname} → ${response.status}, following the redirect to ${target.pathname}`,
        );
        current = target;
      }
    },
  };
}
