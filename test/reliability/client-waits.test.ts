import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTlsMaterial, type TlsMaterial } from "../../src/emulator/tls.ts";
import { createGraphClient, type HttpGraphClient } from "../../src/graph/client.ts";
import { startFakeGraph, TOKEN, type FakeGraph } from "./fake-graph.ts";

/**
 * The Graph client must really wait before a retry, not merely say so: a client that logs
 * "retrying in 1 s" and retries at once hammers a throttled Graph with every other test green.
 * So these tests time, on the server's side, when each attempt arrived.
 */
const RA_PATH = "/beta/deviceManagement/remoteAssistancePartners";

let tls: TlsMaterial;
let fake: FakeGraph;
let client: HttpGraphClient;
/** performance.now() at the arrival of each PATCH. */
let arrivals: number[];

beforeAll(async () => {
  process.env.NO_PROXY = "127.0.0.1,localhost";
  tls = await createTlsMaterial();
});
beforeEach(async () => {
  fake = await startFakeGraph(tls, {
    [RA_PATH]: [{ id: "ra-1", displayName: "RA one", onboardingStatus: "notOnboarded" }],
  });
  arrivals = [];
});
afterEach(async () => {
  client.close();
  await fake.close();
});

function answerFirstPatchWith(status: number, headers: Record<string, string>): void {
  fake.misbehave = (request, response) => {
    if (request.method !== "PATCH") return false;
    arrivals.push(performance.now());
    if (arrivals.length > 1) return false;
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify({ error: { code: "TooManyRequests", message: "slow down" } }));
    return true;
  };
}

function patchOnce() {
  return client.patch({
    graphVersion: "beta",
    collectionPath: "/deviceManagement/remoteAssistancePartners",
    id: "ra-1",
    body: { onboardingStatus: "onboarded" },
  });
}

describe("the Graph client waits before a retry (measured at the server)", () => {
  it("429 with Retry-After: 1: the second attempt arrives at least a second after the first", async () => {
    client = createGraphClient({
      graphUrl: fake.server.url,
      tenant: "contoso",
      getAccessToken: () => Promise.resolve(TOKEN),
      ca: tls.caPem,
      retry: { baseDelayInMs: 1, maxDelayInMs: 5 },
    });
    answerFirstPatchWith(429, { "retry-after": "1" });
    await expect(patchOnce()).resolves.toMatchObject({ status: 204 });
    expect(arrivals).toHaveLength(2);
    // A lower bound only: a loaded machine can make the gap longer, never shorter. 1 ms of slack
    // for timer rounding.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(999);
  });

  it("503 without Retry-After: the second attempt waits the back-off (at least half the base delay)", async () => {
    client = createGraphClient({
      graphUrl: fake.server.url,
      tenant: "contoso",
      getAccessToken: () => Promise.resolve(TOKEN),
      ca: tls.caPem,
      // Equal jitter: the first back-off is between 300 and 600 ms.
      retry: { baseDelayInMs: 600, maxDelayInMs: 600 },
    });
    answerFirstPatchWith(503, {});
    await expect(patchOnce()).resolves.toMatchObject({ status: 204 });
    expect(arrivals).toHaveLength(2);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(299);
  });
});
