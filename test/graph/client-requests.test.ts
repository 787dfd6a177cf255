import type { IncomingMessage, ServerResponse } from "node:http";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createGraphClient, type HttpGraphClient } from "../../src/graph/client.ts";
import type { AttemptAnswer } from "../../src/graph/types.ts";
import type { TlsMaterial } from "../../src/emulator/tls.ts";
import { createTlsMaterial, startTestServer, type TestServer } from "./test-server.ts";

/**
 * The Graph client's requests and answers over real HTTPS against a purpose-built server on
 * 127.0.0.1: what each kind of call sends, paging of collections and of the audit log, a listing
 * that contradicts itself, a PATCH whose answer is lost.
 */
const TOKEN = "test-access-token-not-a-secret";
const RA = "/deviceManagement/remoteAssistancePartners";

let tls: TlsMaterial;
let server: TestServer | undefined;
let client: HttpGraphClient | undefined;
/** The headers of every request the server saw, in order. */
let headers: IncomingMessage["headers"][] = [];

beforeAll(async () => {
  tls = await createTlsMaterial();
});

afterEach(async () => {
  client?.close();
  client = undefined;
  await server?.close();
  server = undefined;
  headers = [];
});

function json(response: ServerResponse, status: number, body: unknown, more = {}): void {
  response.writeHead(status, { "content-type": "application/json", ...more });
  response.end(JSON.stringify(body));
}

async function serve(
  handler: (request: IncomingMessage, response: ServerResponse, url: string) => void,
  options: { graphUrlSuffix?: string; debug?: (line: string) => void; timeoutInMs?: number } = {},
): Promise<HttpGraphClient> {
  server = await startTestServer(tls, (request, response, urls) => {
    headers.push(request.headers);
    handler(request, response, urls.url);
  });
  client = createGraphClient({
    graphUrl: `${server.url}${options.graphUrlSuffix ?? ""}`,
    tenant: "contoso",
    getAccessToken: () => Promise.resolve(TOKEN),
    ca: tls.caPem,
    timeoutInMs: options.timeoutInMs ?? 20_000,
    retry: { baseDelayInMs: 1, maxDelayInMs: 5 },
    ...(options.debug === undefined ? {} : { debug: options.debug }),
  });
  return client;
}

const paths = () => server?.seen.map((seen) => seen.path) ?? [];

describe("what each call sends", () => {
  it("a PATCH sends its body as JSON with its length; an action POSTs an empty body; a GET none", async () => {
    const bodies: string[] = [];
    const graph = await serve((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        bodies.push(body);
        if (request.method === "GET") json(response, 200, { value: [] });
        else response.writeHead(204).end();
      });
    });
    await graph.patch({ graphVersion: "beta", collectionPath: RA, id: "a b", body: { x: 1 } });
    await graph.invokeAction({
      graphVersion: "beta",
      collectionPath: RA,
      id: "a",
      action: "beginOnboarding",
    });
    await graph.listCollection({ graphVersion: "beta", collectionPath: RA, select: [] });
    expect(server?.seen.map((seen) => [seen.method, seen.path])).toEqual([
      ["PATCH", `/beta${RA}/a%20b`],
      ["POST", `/beta${RA}/a/beginOnboarding`],
      ["GET", `/beta${RA}?$select=id,displayName`],
    ]);
    expect(bodies).toEqual(['{"x":1}', "", ""]);
    expect(headers.map((seen) => [seen["content-length"], seen["content-type"]])).toEqual([
      ["7", "application/json"],
      ["0", "application/json"],
      [undefined, undefined],
    ]);
  });

  it("takes a Graph URL with trailing slashes as its root", async () => {
    const graph = await serve((request, response) => json(response, 200, { value: [] }), {
      graphUrlSuffix: "//",
    });
    await graph.listCollection({ graphVersion: "v1.0", collectionPath: RA, select: [] });
    expect(paths()).toEqual([`/v1.0${RA}?$select=id,displayName`]);
  });

  it("getDocument GETs one path with its query, and returns the body whole", async () => {
    const document = { "@odata.context": "x", id: "p", extra: { deep: [1] } };
    const graph = await serve((request, response) => json(response, 200, document));
    const read = await graph.getDocument({
      graphVersion: "beta",
      path: "/deviceManagement/deviceManagementPartners/p",
      query: { $select: "id,extra", $top: "1" },
    });
    expect(read).toEqual(document);
    await graph.getDocument({ graphVersion: "v1.0", path: "/organization" });
    expect(server?.seen.map((seen) => [seen.method, seen.path])).toEqual([
      ["GET", "/beta/deviceManagement/deviceManagementPartners/p?%24select=id%2Cextra&%24top=1"],
      ["GET", "/v1.0/organization"],
    ]);
  });

  it("logs Graph's request-id with a success", async () => {
    const lines: string[] = [];
    const graph = await serve(
      (request, response) => json(response, 200, { value: [] }, { "request-id": "rid-42" }),
      { debug: (line) => lines.push(line) },
    );
    await graph.listCollection({ graphVersion: "beta", collectionPath: RA, select: [] });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /→ 200 in \d+ ms \(attempt 1, client-request-id [0-9a-f-]{36}, request-id rid-42\)$/,
    );
  });

  it("takes a 300 for a failure, not a page", async () => {
    const graph = await serve((request, response) => json(response, 300, { value: [] }));
    const error = await graph
      .listCollection({ graphVersion: "beta", collectionPath: RA, select: [] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "GraphRequestError",
      details: { status: 300, attempts: 1 },
    });
  });

  it("a PATCH tells beforeSend and onAnswer about each request it sends", async () => {
    let sent = 0;
    const graph = await serve((request, response) => {
      sent++;
      if (sent === 1) json(response, 503, { error: { code: "Busy", message: "busy" } });
      else response.writeHead(204).end();
    });
    const before: number[] = [];
    const answers: AttemptAnswer[] = [];
    await graph.patch(
      { graphVersion: "beta", collectionPath: RA, id: "a", body: { x: 1 } },
      {
        beforeSend: (attempt) => {
          before.push(attempt);
          return Promise.resolve();
        },
        onAnswer: (answer) => answers.push(answer),
      },
    );
    expect(before).toEqual([1, 2]);
    expect(answers).toEqual([{ status: 503 }, { status: 204 }]);
  });
});

describe("a PATCH whose answer is lost", () => {
  /** Takes each PATCH in, then drops the connection without answering the first. */
  async function losingFirstAnswer(): Promise<HttpGraphClient> {
    let patches = 0;
    return serve((request, response) => {
      patches++;
      if (patches === 1) request.on("end", () => request.socket.destroy());
      else request.on("end", () => response.writeHead(204).end());
      request.resume();
    });
  }

  it("is not sent again when the caller's read shows it landed", async () => {
    const graph = await losingFirstAnswer();
    const result = await graph.patch(
      { graphVersion: "beta", collectionPath: RA, id: "a", body: { x: 1 } },
      { onUnknownOutcome: () => Promise.resolve("applied") },
    );
    expect(result).toEqual({ status: 204, confirmedByRead: true });
    expect(server?.seen).toHaveLength(1);
  });

  it("is simply sent again when the caller gave no way to read it", async () => {
    const graph = await losingFirstAnswer();
    const result = await graph.patch({
      graphVersion: "beta",
      collectionPath: RA,
      id: "a",
      body: { x: 1 },
    });
    expect(result).toEqual({ status: 204 });
    expect(server?.seen).toHaveLength(2);
  });

  it("is sent again when the caller's read shows it did not land", async () => {
    const graph = await losingFirstAnswer();
    const result = await graph.patch(
      { graphVersion: "beta", collectionPath: RA, id: "a", body: { x: 1 } },
      { onUnknownOutcome: () => Promise.resolve("resend") },
    );
    expect(result).toEqual({ status: 204 });
    expect(server?.seen).toHaveLength(2);
  });
});

describe("paging a collection", () => {
  const page = (url: string, skip: number) => `${url}/v1.0${RA}?$skiptoken=${skip}`;

  it("counts an object listed again with the same content once", async () => {
    const graph = await serve((request, response, url) => {
      if (request.url?.includes("skiptoken")) json(response, 200, { value: [{ id: "a", n: 1 }] });
      else json(response, 200, { value: [{ id: "a", n: 1 }], "@odata.nextLink": page(url, 2) });
    });
    expect(
      await graph.listCollection({ graphVersion: "v1.0", collectionPath: RA, select: [] }),
    ).toEqual([{ id: "a", n: 1 }]);
  });

  it("refuses a listing that gives one id two contents, naming what differs on which page", async () => {
    const graph = await serve((request, response, url) => {
      const skip = Number(/skiptoken=(\d+)/.exec(request.url ?? "")?.[1] ?? 1);
      const pages: Record<number, unknown[]> = {
        1: [{ id: "b", displayName: "B" }],
        2: [{ id: "a", displayName: "A", gone: true, b: 1, c: "x", same: [1], none: null }],
        3: [{ id: "a", displayName: "A2", b: 2, c: "y", same: [1] }],
      };
      json(response, 200, {
        value: pages[skip] ?? [],
        ...(skip < 4 ? { "@odata.nextLink": page(url, skip + 1) } : {}),
      });
    });
    const error = await graph
      .listCollection({ graphVersion: "v1.0", collectionPath: RA, select: [] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "GraphRequestError",
      details: { request: `GET /v1.0${RA}` },
    });
    expect((error as Error).message).toBe(
      `GET /v1.0${RA}: Graph is inconsistent: it listed id "a" twice with different content — page 2: displayName "A", b 1, c "x", gone true; page 3: displayName "A2", b 2, c "y", gone absent. Run plan again; if it persists, report it to Microsoft support`,
    );
    expect(paths()).toHaveLength(3);
  });

  it("names three differing properties and counts the rest", async () => {
    const graph = await serve((request, response, url) => {
      if (request.url?.includes("skiptoken"))
        json(response, 200, { value: [{ id: "a", p: 2, q: 2, r: 2, s: 2, t: 2 }] });
      else
        json(response, 200, {
          value: [{ id: "a", p: 1, q: 1, r: 1, s: 1, t: 1 }],
          "@odata.nextLink": page(url, 2),
        });
    });
    const error = await graph
      .listCollection({ graphVersion: "v1.0", collectionPath: RA, select: [] })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      "page 1: displayName absent, p 1, q 1, r 1, and 2 more; page 2: displayName absent, p 2, q 2, r 2, and 2 more.",
    );
  });

  it("refuses a nextLink back to the first page after reading it once", async () => {
    const graph = await serve((request, response, url) =>
      json(response, 200, {
        value: [],
        "@odata.nextLink": `${url}/v1.0${RA}?$select=id,displayName`,
      }),
    );
    const error = await graph
      .listCollection({ graphVersion: "v1.0", collectionPath: RA, select: [] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ details: { request: `GET /v1.0${RA}` } });
    expect((error as Error).message).toBe(
      `GET /v1.0${RA}: Graph's @odata.nextLink repeats a page already read; stopping`,
    );
    expect(paths()).toHaveLength(1);
  });

  it("refuses a nextLink that is not a URL, and one to another origin, saying which request", async () => {
    for (const nextLink of ["https://[not a host", "https://localhost:1/x"]) {
      const graph = await serve((request, response) =>
        json(response, 200, { value: [], "@odata.nextLink": nextLink }),
      );
      const error = await graph
        .listCollection({ graphVersion: "beta", collectionPath: RA, select: [] })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: "GraphRequestError",
        details: { request: `GET /beta${RA}` },
      });
      if (nextLink.includes("["))
        expect((error as Error).message).toBe(
          `GET /beta${RA}: Graph's @odata.nextLink is not a URL`,
        );
      client?.close();
      await server?.close();
    }
    server = undefined;
    client = undefined;
  });
});

describe("auditEventPages", () => {
  const audit = "/beta/deviceManagement/auditEvents";

  it("reads the log newest first, page by page, and stops at maxPages", async () => {
    const graph = await serve((request, response, url) => {
      const skip = Number(/skiptoken=(\d+)/.exec(request.url ?? "")?.[1] ?? 1);
      json(response, 200, {
        value: [{ id: `e${skip}` }],
        "@odata.nextLink": `${url}${audit}?$skiptoken=${skip + 1}`,
      });
    });
    const pages = [];
    for await (const read of graph.auditEventPages({
      graphVersion: "beta",
      filter: "activityDateTime gt 2026-01-01T00:00:00Z",
      maxPages: 2,
    }))
      pages.push(read);
    expect(pages).toStrictEqual([
      { events: [{ id: "e1" }], page: 1, more: true },
      { events: [{ id: "e2" }], page: 2, more: true },
    ]);
    expect(paths()).toEqual([
      `${audit}?$filter=activityDateTime%20gt%202026-01-01T00%3A00%3A00Z&$orderby=activityDateTime%20desc`,
      `${audit}?$skiptoken=2`,
    ]);
  });

  it("ends with the last page, and sends nothing more when the caller stops", async () => {
    const graph = await serve((request, response, url) => {
      const skip = Number(/skiptoken=(\d+)/.exec(request.url ?? "")?.[1] ?? 1);
      json(response, 200, {
        value: [],
        ...(skip < 3 ? { "@odata.nextLink": `${url}${audit}?$skiptoken=${skip + 1}` } : {}),
      });
    });
    const all = [];
    for await (const read of graph.auditEventPages({
      graphVersion: "beta",
      filter: "x",
      maxPages: 10,
    }))
      all.push([read.page, read.more]);
    expect(all).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
    for await (const read of graph.auditEventPages({
      graphVersion: "beta",
      filter: "x",
      maxPages: 10,
    }))
      if (read.page === 1) break;
    expect(paths()).toHaveLength(4);
  });

  it("says which GET Graph refused", async () => {
    const graph = await serve((request, response) =>
      json(response, 403, { error: { code: "Forbidden", message: "No audit" } }),
    );
    const read = async () => {
      for await (const _page of graph.auditEventPages({
        graphVersion: "beta",
        filter: "x",
        maxPages: 1,
      }));
    };
    const error = await read().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(`^GET ${audit}: HTTP 403 Forbidden: No audit`),
    );
    const document = await graph
      .getDocument({ graphVersion: "beta", path: "/organization" })
      .catch((e: unknown) => e);
    expect((document as Error).message).toMatch(
      /^GET \/beta\/organization: HTTP 403 Forbidden: No audit/,
    );
  });

  it("refuses a page that links back to the first one", async () => {
    const graph = await serve((request, response, url) =>
      json(response, 200, { value: [], "@odata.nextLink": `${url}${request.url ?? ""}` }),
    );
    const read = async () => {
      for await (const _page of graph.auditEventPages({
        graphVersion: "beta",
        filter: "x",
        maxPages: 10,
      }));
    };
    const error = await read().catch((e: unknown) => e);
    expect((error as Error).message).toContain("repeats a page already read");
    expect(paths()).toHaveLength(1);
  });

  it("refuses a page that links back to one already read", async () => {
    const graph = await serve((request, response, url) =>
      json(response, 200, { value: [], "@odata.nextLink": `${url}${audit}?$skiptoken=1` }),
    );
    const read = async () => {
      for await (const _page of graph.auditEventPages({
        graphVersion: "beta",
        filter: "x",
        maxPages: 10,
      }));
    };
    const error = await read().catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "GraphRequestError",
      details: { request: `GET ${audit}` },
    });
    expect((error as Error).message).toBe(
      `GET ${audit}: Graph's @odata.nextLink repeats a page already read; stopping`,
    );
    expect(paths()).toHaveLength(2);
  });
});

describe("connections", () => {
  it("an abort cancels the request on the wire: the server sees the connection close", async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    // The attempt's own timeout (a minute) is past the test's: only the abort can close it in time.
    const graph = await serve(
      (request) => {
        request.socket.once("close", () => closed());
        // Never answers.
      },
      { timeoutInMs: 60_000 },
    );
    const abort = new AbortController();
    const pending = graph
      .listCollection(
        { graphVersion: "beta", collectionPath: RA, select: [] },
        { abortSignal: abort.signal },
      )
      .catch((e: unknown) => e);
    while (paths().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    abort.abort(new Error("grace over"));
    await connectionClosed;
    expect(await pending).toMatchObject({ message: "grace over" });
  });

  it("an abort is not an answer: onAnswer hears nothing of it", async () => {
    const graph = await serve(() => {
      // Never answers.
    });
    const abort = new AbortController();
    const answers: AttemptAnswer[] = [];
    const pending = graph
      .patch(
        { graphVersion: "beta", collectionPath: RA, id: "a", body: { x: 1 } },
        { abortSignal: abort.signal, onAnswer: (answer) => answers.push(answer) },
      )
      .catch((e: unknown) => e);
    while (paths().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    abort.abort(new Error("grace over"));
    expect(await pending).toMatchObject({ message: "grace over" });
    expect(answers).toEqual([]);
  });

  it("refuses plain HTTP off this machine at once, without retrying", async () => {
    client = createGraphClient({
      graphUrl: "http://graph.example.invalid",
      tenant: "contoso",
      getAccessToken: () => Promise.resolve(TOKEN),
      retry: { baseDelayInMs: 1, maxDelayInMs: 5 },
    });
    const error = await client
      .listCollection({ graphVersion: "beta", collectionPath: RA, select: [] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "GraphRequestError", details: { attempts: 1 } });
    expect((error as Error).message).toContain(
      "refusing http://graph.example.invalid: only https is allowed off this machine",
    );
  });
});
