import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTlsMaterial, type TlsMaterial } from "../../src/emulator/tls.ts";
import { createGraphClient, type HttpGraphClient } from "../../src/graph/client.ts";
import { GraphRequestError } from "../../src/graph/types.ts";
import { TOKEN, json, startFakeGraph, type FakeGraph } from "../reliability/fake-graph.ts";

/**
 * The Graph client's two signals, over real HTTPS: `stopSignal` (Ctrl-C) ends a wait before a
 * retry and starts no other attempt, but lets the attempt on the wire finish; `abortSignal`
 * cancels everything, the attempt on the wire included.
 */

const COLLECTION = "/beta/deviceManagement/remoteAssistancePartners";
const ID = "2d4b6f81-93a5-4c7e-b1d3-5f7a9c1e3b5d";

let tls: TlsMaterial;
let fake: FakeGraph;
let client: HttpGraphClient;

beforeAll(async () => {
  tls = await createTlsMaterial();
  fake = await startFakeGraph(tls, { [COLLECTION]: [{ id: ID, displayName: "TeamViewer" }] });
  client = createGraphClient({
    graphUrl: fake.server.url,
    tenant: "contoso",
    getAccessToken: () => Promise.resolve(TOKEN),
    ca: tls.caPem,
    timeoutInMs: 10_000,
  });
});
afterAll(async () => {
  client.close();
  await fake.close();
});
beforeEach(() => {
  fake.patches.length = 0;
  fake.misbehave = undefined;
});

const patch = (signals: { stopSignal?: AbortSignal; abortSignal?: AbortSignal }) =>
  client.patch(
    {
      graphVersion: "beta",
      collectionPath: COLLECTION,
      id: ID,
      body: { onboardingStatus: "onboarded" },
    },
    signals,
  );

describe("stopping a request", () => {
  it("a stop during a Retry-After wait ends the wait at once: no other attempt, the last answer reported", async () => {
    fake.misbehave = (_request, response) => {
      response.setHeader("retry-after", "30");
      json(response, 429, { error: { code: "TooManyRequests", message: "slow down" } });
      return true;
    };
    const stop = new AbortController();
    const started = performance.now();
    const pending = patch({ stopSignal: stop.signal });
    while (fake.patches.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    setTimeout(() => stop.abort(new Error("SIGINT")), 100);
    const error = await pending.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error).toMatchObject({
      details: { status: 429, attempts: 1, stoppedBeforeRetry: true },
      message: expect.stringContaining("1 attempt, not retried: stopping"),
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(fake.patches).toHaveLength(1);
  });

  it("a stop while the attempt is on the wire lets it finish: its answer is the result", async () => {
    const stop = new AbortController();
    fake.misbehave = (_request, response) => {
      stop.abort(new Error("SIGINT"));
      setTimeout(() => {
        response.writeHead(204);
        response.end();
      }, 200);
      return true;
    };
    await expect(patch({ stopSignal: stop.signal })).resolves.toMatchObject({ status: 204 });
    expect(fake.patches).toHaveLength(1);
  });

  it("an abort while the attempt is on the wire cancels it", async () => {
    const abort = new AbortController();
    fake.misbehave = () => {
      abort.abort(new Error("grace over"));
      return true; // never answers
    };
    await expect(patch({ abortSignal: abort.signal })).rejects.toThrow();
    expect(fake.patches).toHaveLength(1);
  });
});
