import http, { type IncomingMessage, type ServerResponse } from "node:http";
import net, { type AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createGraphClient, type HttpGraphClient } from "../../src/graph/client.ts";
import type { TlsMaterial } from "../../src/emulator/tls.ts";
import { createTlsMaterial, startTestServer, type TestServer } from "./test-server.ts";

/**
 * The Graph client against a server that misbehaves in ways Graph should not: it must never send
 * the bearer token to another origin, must bound what it reads, and must report garbage clearly.
 */
const TOKEN = "test-access-token-not-a-secret";
const collectionPath = "/deviceManagement/remoteAssistancePartners";

let tls: TlsMaterial;
let server: TestServer | undefined;
let client: HttpGraphClient | undefined;

beforeAll(async () => {
  tls = await createTlsMaterial();
});

afterEach(async () => {
  client?.close();
  client = undefined;
  await server?.close();
  server = undefined;
});

function clientFor(url: string, retry = {}): HttpGraphClient {
  client = createGraphClient({
    graphUrl: url,
    tenant: "contoso",
    getAccessToken: () => Promise.resolve(TOKEN),
    ca: tls.caPem,
    timeoutInMs: 2_000,
    retry: { baseDelayInMs: 1, maxDelayInMs: 5, ...retry },
  });
  return client;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

describe("Graph client against a hostile server", () => {
  it("refuses an @odata.nextLink to another origin, without sending it the token", async () => {
    server = await startTestServer(tls, (request, response, urls) => {
      json(response, 200, {
        value: [{ id: "a", displayName: "A" }],
        "@odata.nextLink": `${urls.otherOriginUrl}/v1.0${collectionPath}?$skiptoken=2`,
      });
    });
    const error = await clientFor(server.url)
      .listCollection({ graphVersion: "v1.0", collectionPath, select: [] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "GraphRequestError" });
    expect((error as Error).message).toBe(
      `GET /v1.0${collectionPath}: refusing to send the token to localhost:${server.port}: @odata.nextLink points outside ${server.url}`,
    );
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0]?.host).toBe(`127.0.0.1:${server.port}`);
  });

  it("refuses an @odata.nextLink to plain HTTP on the same host and port: the origin, not the host, decides", async () => {
    server = await startTestServer(tls, (request, response, urls) => {
      json(response, 200, {
        value: [{ id: "a", displayName: "A" }],
        "@odata.nextLink": `${urls.url.replace("https:", "http:")}/v1.0${collectionPath}?$skiptoken=2`,
      });
    });
    const error = await clientFor(server.url)
      .listCollection({ graphVersion: "v1.0", collectionPath, select: [] })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `GET /v1.0${collectionPath}: refusing to send the token to 127.0.0.1:${server.port}: @odata.nextLink points outside ${server.url}`,
    );
    expect(server.seen).toHaveLength(1);
    expect(server.seenPlain).toEqual([]);
  });

  it("does not follow a redirect to plain HTTP on the same host and port: the token never goes in clear text", async () => {
    server = await startTestServer(tls, (request, response, urls) => {
      response.writeHead(307, { location: `${urls.url.replace("https:", "http:")}/moved` });
      response.end();
    });
    const error = await clientFor(server.url)
      .listCollection({ graphVersion: "beta", collectionPath, select: [] })
      .catch((e: unknown) => e);
    // Nothing, above all no Authorization header, went to the plain-HTTP side of the port.
    expect(server.seenPlain).toEqual([]);
    expect((error as Error).message).toContain(
      `Graph answered HTTP 307 with a redirect to 127.0.0.1:${server.port}; not following it: the access token is only ever sent to 127.0.0.1:${server.port}`,
    );
    expect((error as { details: unknown }).details).toMatchObject({ status: 307, attempts: 1 });
    expect(server.seen).toHaveLength(1);
  });

  it("does not follow a redirect to another origin", async () => {
    server = await startTestServer(tls, (request, response, urls) => {
      response.writeHead(302, { location: `${urls.otherOriginUrl}/elsewhere` });
      response.end();
    });
    const error = await clientFor(server.url)
      .listCollection({ graphVersion: "beta", collectionPath, select: [] })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      `Graph answered HTTP 302 with a redirect to localhost:${server.port}; not following it: the access token is only ever sent to 127.0.0.1:${server.port}`,
    );
    expect((error as { details: unknown }).details).toMatchObject({ status: 302, attempts: 1 });
    expect(server.seen.map((seen) => seen.host)).toEqual([`127.0.0.1:${server.port}`]);
  });

  it("follows a redirect on the same origin", async () => {
    server = await startTestServer(tls, (request, response) => {
      if (request.url?.startsWith("/moved")) {
        json(response, 200, { value: [{ id: "b" }] });
        return;
      }
      response.writeHead(307, { location: "/moved" });
      response.end();
    });
    const objects = await clientFor(server.url).listCollection({
      graphVersion: "beta",
      collectionPath,
      select: [],
    });
    expect(objects).toEqual([{ id: "b" }]);
    expect(server.seen.map((seen) => [seen.path.split("?")[0], seen.hasAuthorization])).toEqual([
      [`/beta${collectionPath}`, true],
      ["/moved", true],
    ]);
  });

  it("refuses a page that repeats itself instead of looping", async () => {
    server = await startTestServer(tls, (request, response, urls) => {
      json(response, 200, {
        value: [],
        "@odata.nextLink": `${urls.url}/v1.0${collectionPath}?$skiptoken=1`,
      });
    });
    await expect(
      clientFor(server.url).listCollection({ graphVersion: "v1.0", collectionPath, select: [] }),
    ).rejects.toThrow("@odata.nextLink repeats a page already read; stopping");
    expect(server.seen).toHaveLength(2);
  });

  it("refuses a body larger than the bound, without retrying", async () => {
    server = await startTestServer(tls, (request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      // No content-length: the bound must hold while streaming.
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < 200 && response.write(chunk)) sent++;
        if (sent < 200) response.once("drain", pump);
        else response.end();
      };
      pump();
    });
    client = createGraphClient({
      graphUrl: server.url,
      tenant: "contoso",
      getAccessToken: () => Promise.resolve(TOKEN),
      ca: tls.caPem,
      maxResponseBytes: 1024 * 1024,
    });
    const error = await client
      .listCollection({ graphVersion: "v1.0", collectionPath, select: [] })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      "the response is larger than 1 MB; refusing to read it",
    );
    expect((error as { details: { attempts: number } }).details.attempts).toBe(1);
  });

  it("sends the token, a client-request-id and Accept on every request, and $select once", async () => {
    server = await startTestServer(tls, (request, response) => {
      json(response, 200, { value: [] });
    });
    await clientFor(server.url).listCollection({
      graphVersion: "beta",
      collectionPath,
      select: ["onboardingStatus", "id", "displayName"],
    });
    expect(server.seen[0]?.path).toBe(
      `/beta${collectionPath}?$select=id,displayName,onboardingStatus`,
    );
    expect(server.seen[0]?.hasAuthorization).toBe(true);
    expect(server.seen[0]?.clientRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("keeps properties and annotations it did not ask for", async () => {
    const item = {
      id: "a",
      displayName: "A",
      futureProperty: { nested: [1, 2] },
      "@odata.etag": 'W/"1"',
    };
    server = await startTestServer(tls, (request, response) => {
      json(response, 200, {
        "@odata.context": "x",
        "@odata.count": 1,
        unknownTopLevel: true,
        value: [item],
      });
    });
    const objects = await clientFor(server.url).listCollection({
      graphVersion: "beta",
      collectionPath,
      select: [],
    });
    expect(objects).toEqual([item]);
  });

  it.each([
    [{ values: [] }, "the body has no `value` collection"],
    [{ value: { id: "a" } }, "`value` is not an array"],
    [{ value: [{ id: "a" }, { displayName: "no id" }] }, "item 1 of `value` has no string `id`"],
    [{ value: [{ id: 7 }] }, "item 0 of `value` has no string `id`"],
    [[1, 2], "the body is not a JSON object"],
    [{ value: [], "@odata.nextLink": 5 }, "`@odata.nextLink` is not a string"],
  ])("rejects a page of the wrong shape clearly, without retrying: %j", async (body, reason) => {
    server = await startTestServer(tls, (request, response) => {
      json(response, 200, body);
    });
    const error = await clientFor(server.url)
      .listCollection({ graphVersion: "beta", collectionPath, select: [] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "GraphRequestError",
      details: { status: 200, attempts: 1 },
    });
    expect((error as Error).message).toContain(
      `GET /beta${collectionPath} answered HTTP 200 but ${reason}`,
    );
    expect(server.seen).toHaveLength(1);
  });

  // Agents read `proxyEnv` from Node 24.5 on; older versions ignore it (documented).
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  it.skipIf(major < 24 || (major === 24 && minor < 5))(
    "tunnels through HTTPS_PROXY from the given environment, and not for NO_PROXY hosts",
    async () => {
      server = await startTestServer(tls, (request, response) => {
        json(response, 200, { value: [] });
      });
      const tunnels: string[] = [];
      const proxy = http.createServer();
      proxy.on("connect", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        tunnels.push(request.url ?? "");
        const [host, port] = (request.url ?? "").split(":");
        const upstream = net.connect(Number(port), host, () => {
          socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
          upstream.write(head);
          upstream.pipe(socket);
          socket.pipe(upstream);
        });
        upstream.on("error", () => socket.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      try {
        const request = { graphVersion: "beta" as const, collectionPath, select: [] };
        const viaProxy = createGraphClient({
          graphUrl: server.url,
          tenant: "contoso",
          getAccessToken: () => Promise.resolve(TOKEN),
          ca: tls.caPem,
          proxyEnv: { HTTPS_PROXY: proxyUrl },
        });
        await viaProxy.listCollection(request);
        viaProxy.close();
        expect(tunnels).toEqual([`127.0.0.1:${server.port}`]);
        const bypass = createGraphClient({
          graphUrl: server.url,
          tenant: "contoso",
          getAccessToken: () => Promise.resolve(TOKEN),
          ca: tls.caPem,
          proxyEnv: { HTTPS_PROXY: proxyUrl, NO_PROXY: "127.0.0.1" },
        });
        await bypass.listCollection(request);
        bypass.close();
        expect(tunnels).toHaveLength(1);
        expect(server.seen).toHaveLength(2);
      } finally {
        proxy.closeAllConnections();
        await new Promise<void>((resolve) => proxy.close(() => resolve()));
      }
    },
  );
});
