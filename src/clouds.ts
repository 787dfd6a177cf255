/**
 * The Microsoft clouds and their endpoints (shared/graph/AUTH-OFFLINE.md, "National clouds").
 * GCC (moderate) uses `global`.
 */
export type CloudName = "global" | "usgov" | "usgovdod" | "china";

export interface CloudEndpoints {
  /** Graph root, without a version segment. */
  readonly graphUrl: string;
  /** The Entra ID login authority host. */
  readonly authorityHost: string;
  /** The token scope for app-only Graph access. */
  readonly scope: string;
}

export const CLOUDS: Readonly<Record<CloudName, CloudEndpoints>> = {
  global: {
    graphUrl: "https://graph.microsoft.com",
    authorityHost: "https://login.microsoftonline.com",
    scope: "https://graph.microsoft.com/.default",
  },
  usgov: {
    graphUrl: "https://graph.microsoft.us",
    authorityHost: "https://login.microsoftonline.us",
    scope: "https://graph.microsoft.us/.default",
  },
  usgovdod: {
    graphUrl: "https://dod-graph.microsoft.us",
    authorityHost: "https://login.microsoftonline.us",
    scope: "https://dod-graph.microsoft.us/.default",
  },
  china: {
    graphUrl: "https://microsoftgraph.chinacloudapi.cn",
    authorityHost: "https://login.chinacloudapi.cn",
    scope: "https://microsoftgraph.chinacloudapi.cn/.default",
  },
};

export const CLOUD_NAMES = Object.keys(CLOUDS) as CloudName[];

/**
 * Microsoft's Entra ID login hosts (every cloud, current and legacy names). MSAL's instance
 * discovery works only for these; for any other authority host it must be turned off.
 */
export const MICROSOFT_AUTHORITY_HOSTS: ReadonlySet<string> = new Set([
  "login.microsoftonline.com",
  "login.microsoft.com",
  "login.windows.net",
  "sts.windows.net",
  "login.microsoftonline.us",
  "login.usgovcloudapi.net",
  "login.chinacloudapi.cn",
  "login.partner.microsoftonline.cn",
]);

/** Microsoft Graph hosts in every cloud. */
export const MICROSOFT_GRAPH_HOSTS: ReadonlySet<string> = new Set([
  "graph.microsoft.com",
  "canary.graph.microsoft.com",
  "graph.microsoft.us",
  "dod-graph.microsoft.us",
  "microsoftgraph.chinacloudapi.cn",
]);
