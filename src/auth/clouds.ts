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
