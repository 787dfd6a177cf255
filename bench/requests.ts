/**
 * Counting what the emulator received, from its request log (`GET /_emulator/requests`), and
 * the few admin calls the bench makes to it.
 */
import https from "node:https";
import type { RequestLogEntry } from "../src/emulator/index.ts";
import type { RequestCounts } from "./model.ts";

/** Requests by kind; the bench's own admin calls are not counted. */
export function countRequests(entries: readonly RequestLogEntry[]): RequestCounts {
  let token = 0;
  let discovery = 0;
  let get = 0;
  let patch = 0;
  let audit = 0;
  let other = 0;
  let failed = 0;
  for (const entry of entries) {
    if (entry.kind === "admin") continue;
    if (entry.status === 0 || entry.status >= 400) failed++;
    if (entry.kind === "token") token++;
    else if (entry.kind === "discovery") discovery++;
    else if (entry.method === "GET" && AUDIT_EVENTS.test(entry.path)) audit++;
    else if (entry.method === "GET") get++;
    else if (entry.method === "PATCH") patch++;
    else other++;
  }
  return { token, discovery, get, patch, audit, other, failed };
}

/** Drift attribution's reads of Intune's audit log: counted apart from the collection GETs. */
const AUDIT_EVENTS = /^\/(v1\.0|beta)\/deviceManagement\/auditEvents$/;

/** The emulator's admin routes, over HTTPS (the process trusts its CA via NODE_EXTRA_CA_CERTS). */
export interface EmulatorAdmin {
  /** Clears the request log and restores the seed. */
  reset(): Promise<void>;
  requests(): Promise<RequestLogEntry[]>;
}

/** `ca`: the emulator's CA, for a process that does not trust it through NODE_EXTRA_CA_CERTS. */
export function emulatorAdmin(url: string, ca?: string): EmulatorAdmin {
  const agent = new https.Agent({ keepAlive: false, ...(ca === undefined ? {} : { ca }) });
  const call = (method: string, path: string) =>
    new Promise<string>((resolve, reject) => {
      const request = https.request(`${url}${path}`, { method, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString("utf8");
          if (status >= 300) reject(new Error(`${method} ${path}: HTTP ${status} ${text}`));
          else resolve(text);
        });
        response.on("error", reject);
      });
      request.on("error", reject);
      request.end();
    });
  return {
    async reset() {
      await call("POST", "/_emulator/reset");
    },
    async requests() {
      const body = JSON.parse(await call("GET", "/_emulator/requests")) as {
        value: RequestLogEntry[];
      };
      return body.value;
    },
  };
}
