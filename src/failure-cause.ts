/**
 * Why a tenant could not be read or written, as the advice needs it: each cause has its own fix,
 * and a message should give that one, not a catch-all.
 * - `credentials`: the sign-in itself failed (a missing or wrong secret, an expired certificate,
 *   an unknown tenant id): fix the tenant's `auth` or the secret it names;
 * - `permissions`: signed in, but the app lacks a Graph permission or the tenant never consented
 *   to the app: an administrator of that tenant grants it;
 * - `network`: no answer (refused, reset, timed out, DNS): check the machine's connectivity,
 *   proxy settings and the endpoint;
 * - `graph-outage`: Graph answered 429 or 5xx through every retry: try again later, quoting the
 *   request-id to Microsoft support if it lasts;
 * - `graph-error`: any other refusal from Graph (4xx): its message says what;
 * - `configuration`: a setting of this run is refused before any request (e.g. a custom endpoint
 *   without `--allow-custom-endpoint`): fix the setting.
 */
export type FailureCause =
  "credentials" | "permissions" | "network" | "graph-outage" | "graph-error" | "configuration";

/** The cause of an error thrown while connecting to or calling Graph. */
export function failureCauseOf(error: unknown): FailureCause {
  if (!(error instanceof Error)) return "credentials";
  const declared = (error as { failureCause?: unknown }).failureCause;
  if (isFailureCause(declared)) return declared;
  if (error.name === "GraphRequestError") {
    const status = (error as { details?: { status?: number } }).details?.status;
    if (status === undefined) return "network";
    if (status === 401) return "credentials";
    if (status === 403) return "permissions";
    if (status === 429 || status >= 500) return "graph-outage";
    return "graph-error";
  }
  // Anything else comes from connecting: the credential, the token, the preflight.
  return "credentials";
}

function isFailureCause(value: unknown): value is FailureCause {
  return (
    value === "credentials" ||
    value === "permissions" ||
    value === "network" ||
    value === "graph-outage" ||
    value === "graph-error" ||
    value === "configuration"
  );
}
