import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createGraphClient, type HttpGraphClient } from "../../src/graph/client.ts";
import type { JsonObject } from "../../src/json.ts";
import type { TlsMaterial } from "../../src/emulator/tls.ts";
import { startTestServer, type TestServer } from "../graph/test-server.ts";

/**
 * A Graph stand-in whose every answer a test can replace: for the misbehaviours the emulator does
 * not script (unknown properties, wrong types, foreign links, redirects, endless bodies, odd
 * PATCH answers). By default it serves `GET /{version}/deviceManagement/{collection}` as one page
 * and applies `PATCH .../{id}` (merge, 204), recording each PATCH body.
 */

export const TOKEN = "fake-graph-test-token-0123456789";

export interface FakeGraph {
  readonly server: TestServer;
  /** Collections by URL path (`/beta/deviceManagement/remoteAssistancePartners`). */
  readonly collections: Map<string, JsonObject[]>;
  /** Every PATCH received: path and parsed body. */
  readonly patches: { path: string; body: unknown }[];
  /**
   * Answer a request yourself: return true when handled. `body` is the request body (PATCH).
   * Replaced by each test; undefined means default behaviour for everything.
   */
  misbehave?: (
    request: IncomingMessage,
    response: ServerResponse,
    context: { path: string; body: string; url: string; otherOriginUrl: string },
  ) => boolean;
  close(): Promise<void>;
}

export function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

export async function startFakeGraph(
  tls: TlsMaterial,
  collections: Record<string, JsonObject[]>,
): Promise<FakeGraph> {
  const patches: FakeGraph["patches"] = [];
  // The handler needs the object the server is part of.
  const self: { fake?: FakeGraph } = {};
  const server = await startTestServer(tls, (request, response, urls) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = new URL(request.url ?? "/", urls.url).pathname;
      if (request.method === "PATCH") patches.push({ path, body: parse(body) });
      if (self.fake?.misbehave?.(request, response, { path, body, ...urls })) return;
      serveDefault(self.fake!, request, response, path, body);
    });
  });
  const fake: FakeGraph = {
    server,
    collections: new Map(Object.entries(collections)),
    patches,
    close: () => server.close(),
  };
  self.fake = fake;
  return fake;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function serveDefault(
  fake: FakeGraph,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  body: string,
): void {
  if (request.method === "GET") {
    const objects = fake.collections.get(path);
    if (objects === undefined) return json(response, 404, { error: { code: "NotFound" } });
    return json(response, 200, { "@odata.context": "fake", value: objects });
  }
  if (request.method === "PATCH") {
    const slash = path.lastIndexOf("/");
    const objects = fake.collections.get(path.slice(0, slash));
    const object = objects?.find((candidate) => candidate["id"] === path.slice(slash + 1));
    if (object === undefined) return json(response, 404, { error: { code: "NotFound" } });
    Object.assign(object, JSON.parse(body) as JsonObject);
    response.writeHead(204);
    response.end();
    return;
  }
  json(response, 405, { error: { code: "MethodNotAllowed" } });
}

/** A Graph client for the fake: a fixed token, fast retries, short timeouts. */
export function fakeClient(
  fake: FakeGraph,
  tls: TlsMaterial,
  options: { maxResponseBytes?: number; timeoutInMs?: number } = {},
): HttpGraphClient {
  return createGraphClient({
    graphUrl: fake.server.url,
    tenant: "contoso",
    getAccessToken: () => Promise.resolve(TOKEN),
    ca: tls.caPem,
    timeoutInMs: 2_000,
    retry: { baseDelayInMs: 1, maxDelayInMs: 5, maxRetryAfterInMs: 50 },
    ...options,
  });
}

/** What a plain-HTTP bystander on 127.0.0.1 received: nothing, if the client behaves. */
export interface Bystander {
  readonly url: string;
  readonly seen: { method: string; path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

export async function startBystander(): Promise<Bystander> {
  const seen: Bystander["seen"] = [];
  const server = http.createServer((request, response) => {
    seen.push({
      method: request.method ?? "",
      path: request.url ?? "",
      authorization: request.headers.authorization,
    });
    json(response, 200, { value: [] });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
