/**
 * The least a reader of these objects has to do, written plainly: parse the configuration's
 * YAML, sign in to a tenant (one client-credentials token request), list each collection it
 * declares objects in (one GET per page), and compare the declared properties by display name.
 * The floor probe (floor-probe.ts) and the peer model (peer-tenant.ts) both use it; only how
 * they schedule the requests and reuse connections differs.
 */
import { readFileSync } from "node:fs";
import https from "node:https";
import { parseAllDocuments } from "yaml";

/** A tenant's part of the configuration, as a minimal reader keeps it. */
export interface MinimalTenant {
  readonly name: string;
  readonly tenantId: string;
  readonly clientId: string;
  /** Collection path (e.g. `/deviceManagement/remoteAssistancePartners`) → display name → spec. */
  readonly collections: Map<string, Map<string, Record<string, unknown>>>;
}

const COLLECTIONS: Readonly<Record<string, string>> = {
  RemoteAssistancePartner: "/deviceManagement/remoteAssistancePartners",
  DeviceManagementPartner: "/deviceManagement/deviceManagementPartners",
};

/** The tenants declared in these YAML files, with their objects (`metadata.tenants` one name). */
export function readTenants(files: readonly string[]): MinimalTenant[] {
  const tenants = new Map<string, MinimalTenant>();
  const objects: { tenant: string; kind: string; displayName: string; spec: object }[] = [];
  for (const file of files) {
    for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
      const value = document.toJS() as {
        kind: string;
        metadata: { name: string; tenants?: string; match?: { displayName: string } };
        spec: Record<string, unknown> & { tenantId?: string; auth?: { clientId?: string } };
      };
      if (value.kind === "Tenant") {
        tenants.set(value.metadata.name, {
          name: value.metadata.name,
          tenantId: String(value.spec.tenantId),
          clientId: String(value.spec.auth?.clientId),
          collections: new Map(),
        });
      } else {
        objects.push({
          tenant: String(value.metadata.tenants),
          kind: value.kind,
          displayName: String(value.metadata.match?.displayName),
          spec: value.spec,
        });
      }
    }
  }
  for (const object of objects) {
    const tenant = tenants.get(object.tenant);
    const path = COLLECTIONS[object.kind];
    if (tenant === undefined || path === undefined) continue;
    const byName = tenant.collections.get(path) ?? new Map<string, Record<string, unknown>>();
    tenant.collections.set(path, byName);
    byName.set(object.displayName, object.spec as Record<string, unknown>);
  }
  return [...tenants.values()];
}

export interface Connection {
  readonly graphUrl: string;
  readonly secret: string;
  /** undefined: a new TLS connection per request (no keep-alive). */
  readonly agent?: https.Agent;
}

/** POST the client-credentials grant; the access token. */
export async function signIn(connection: Connection, tenant: MinimalTenant): Promise<string> {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: tenant.clientId,
    client_secret: connection.secret,
    scope: "https://graph.microsoft.com/.default",
  }).toString();
  const answer = await send(connection, "POST", `/${tenant.tenantId}/oauth2/v2.0/token`, {
    "content-type": "application/x-www-form-urlencoded",
    body: form,
  });
  return String((answer as { access_token?: unknown }).access_token);
}

/** MSAL's OpenID metadata request, which the peer model's sign-in library sends first. */
export async function discover(connection: Connection, tenant: MinimalTenant): Promise<void> {
  await send(connection, "GET", `/${tenant.tenantId}/v2.0/.well-known/openid-configuration`, {});
}

/** GET every page of the tenant's collections in turn (or all at once); differing objects. */
export async function readAndCompare(
  connection: Connection,
  tenant: MinimalTenant,
  token: string,
  sequential: boolean,
): Promise<number> {
  const compareOne = async ([path, declared]: [string, Map<string, Record<string, unknown>>]) => {
    const select = ["id", "displayName", ...new Set([...declared.values()].flatMap(Object.keys))];
    let next: string | undefined = `/beta${path}?$select=${select.join(",")}`;
    let differing = 0;
    while (next !== undefined) {
      const page = (await send(connection, "GET", next, {
        authorization: `Bearer ${token}`,
      })) as { value: Record<string, unknown>[]; "@odata.nextLink"?: string };
      for (const live of page.value) {
        const spec = declared.get(String(live.displayName));
        if (spec === undefined) continue;
        if (Object.keys(spec).some((key) => !matches(spec[key], live[key]))) differing++;
      }
      const link = page["@odata.nextLink"];
      next = link === undefined ? undefined : link.slice(connection.graphUrl.length);
    }
    return differing;
  };
  const entries = [...tenant.collections.entries()];
  if (!sequential) return (await Promise.all(entries.map(compareOne))).reduce((a, b) => a + b, 0);
  let differing = 0;
  for (const entry of entries) differing += await compareOne(entry);
  return differing;
}

/**
 * Whether the live value has what the declared one says: objects by their declared keys (Graph
 * adds others), arrays as sets of the same size (assignment targets come back in any order).
 */
function matches(declared: unknown, live: unknown): boolean {
  if (Array.isArray(declared)) {
    return (
      Array.isArray(live) &&
      live.length === declared.length &&
      declared.every((element) => live.some((candidate) => matches(element, candidate)))
    );
  }
  if (typeof declared === "object" && declared !== null) {
    if (typeof live !== "object" || live === null) return false;
    const record = live as Record<string, unknown>;
    return Object.entries(declared).every(([key, value]) => matches(value, record[key]));
  }
  return declared === live;
}

function send(
  connection: Connection,
  method: "GET" | "POST",
  path: string,
  headers: Record<string, string> & { body?: string },
): Promise<unknown> {
  const { body, ...rest } = headers;
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${connection.graphUrl}${path}`,
      {
        method,
        agent: connection.agent ?? new https.Agent({ keepAlive: false }),
        headers: { accept: "application/json", ...rest },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = response.statusCode ?? 0;
          if (status < 200 || status >= 300)
            reject(new Error(`${method} ${path}: HTTP ${status} ${text.slice(0, 200)}`));
          else resolve(JSON.parse(text));
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
