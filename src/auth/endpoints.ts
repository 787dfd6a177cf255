/**
 * Where a tenant's tokens and Graph calls go: the cloud's endpoints, unless the environment
 * overrides them (`INTUNE_GITOPS_GRAPH_URL`, `AZURE_AUTHORITY_HOST`) — as the emulator and
 * sovereign-cloud proxies need. Overrides are checked because a bearer token is sent to them:
 * - a non-Microsoft host is accepted only on this machine (loopback) or with
 *   `--allow-custom-endpoint`;
 * - every endpoint off this machine must be https; the authority must be https even on loopback
 *   (MSAL refuses anything else);
 * - MSAL's instance discovery (a call to login.microsoftonline.com) is disabled for any
 *   authority that is not one of Microsoft's hosts: it would fail offline and leak the custom
 *   host's existence to Microsoft otherwise.
 */
import type { TenantConfig } from "../config/model.ts";
import { CLOUDS, MICROSOFT_AUTHORITY_HOSTS, MICROSOFT_GRAPH_HOSTS } from "../clouds.ts";
import { AuthError } from "./auth-error.ts";
import { isLoopbackHost } from "../loopback-host.ts";

export interface ResolvedEndpoints {
  /** Graph root without a version and without a trailing slash. */
  readonly graphUrl: string;
  /** Login authority origin (scheme, host, port), without a trailing slash. */
  readonly authorityHost: string;
  /** The token scope: the cloud's, or `{graphUrl}/.default` when the Graph URL is overridden. */
  readonly scope: string;
  readonly disableInstanceDiscovery: boolean;
}

export interface ResolveEndpointsOptions {
  /** `--allow-custom-endpoint`: accept non-Microsoft, non-loopback hosts (https still required). */
  readonly allowCustomEndpoint: boolean;
}

type EndpointKind = "graph" | "authority";

function checkEndpoint(
  kind: EndpointKind,
  variable: string,
  text: string,
  tenant: string,
  options: ResolveEndpointsOptions,
): URL {
  const fail = (why: string): never => {
    throw new AuthError(`tenant ${tenant}: ${variable}=${displayUrl(text)} ${why}`, {
      tenant,
      failureCause: "configuration",
    });
  };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail("is not a URL");
  }
  if (url.username !== "" || url.password !== "") fail("must not carry a user name or password");
  if (url.search !== "" || url.hash !== "") fail("must not have a query or a fragment");
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== "https:") {
    if (kind === "authority")
      fail("must use https (the Microsoft identity library refuses anything else)");
    if (!(url.protocol === "http:" && loopback))
      fail("must use https (http is accepted only on this machine)");
  }
  const known = (kind === "graph" ? MICROSOFT_GRAPH_HOSTS : MICROSOFT_AUTHORITY_HOSTS).has(
    url.hostname.toLowerCase(),
  );
  if (!known && !loopback && !options.allowCustomEndpoint) {
    fail(
      `is not a Microsoft ${kind === "graph" ? "Graph" : "login"} host; a token would be sent to ${url.host}. Pass --allow-custom-endpoint if that is intended`,
    );
  }
  if (kind === "graph" && /\/(v1\.0|beta)\/?$/i.test(url.pathname)) {
    fail("must be the Graph root, without the version (the version comes from the configuration)");
  }
  if (kind === "authority" && url.pathname !== "/" && url.pathname !== "") {
    fail("must be a host only (the tenant id is added from the configuration)");
  }
  return url;
}

/** The URL as it may be shown: never with the user name or password it might carry. */
function displayUrl(text: string): string {
  try {
    const url = new URL(text);
    url.username = "";
    url.password = "";
    return url.href;
  } catch {
    return JSON.stringify(text.slice(0, 200));
  }
}

function withoutTrailingSlash(url: URL): string {
  return url.href.replace(/\/+$/, "");
}

/** The endpoints for one tenant, from its cloud and the environment's overrides. */
export function resolveEndpoints(
  tenant: Pick<TenantConfig, "name" | "cloud">,
  env: Readonly<Record<string, string | undefined>>,
  options: ResolveEndpointsOptions,
): ResolvedEndpoints {
  const cloud = CLOUDS[tenant.cloud];
  const graphOverride = env.INTUNE_GITOPS_GRAPH_URL?.trim() || undefined;
  const authorityOverride = env.AZURE_AUTHORITY_HOST?.trim() || undefined;

  const graph =
    graphOverride === undefined
      ? cloud.graphUrl
      : withoutTrailingSlash(
          checkEndpoint("graph", "INTUNE_GITOPS_GRAPH_URL", graphOverride, tenant.name, options),
        );
  const authorityUrl =
    authorityOverride === undefined
      ? new URL(cloud.authorityHost)
      : checkEndpoint("authority", "AZURE_AUTHORITY_HOST", authorityOverride, tenant.name, options);

  return {
    graphUrl: graph,
    authorityHost: authorityUrl.origin,
    scope: graph === cloud.graphUrl ? cloud.scope : `${graph}/.default`,
    disableInstanceDiscovery: !MICROSOFT_AUTHORITY_HOSTS.has(authorityUrl.hostname.toLowerCase()),
  };
}
