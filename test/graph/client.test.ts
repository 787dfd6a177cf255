import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type FaultRule } from "../../src/emulator/index.ts";
import { createCredential } from "../../src/auth/credential.ts";
import { createTokenProvider, type TokenProvider } from "../../src/auth/token-provider.ts";
import {
  createGraphClient,
  type GraphClientOptions,
  type GraphRequestEvent,
  type HttpGraphClient,
} from "../../src/graph/client.ts";
import { GraphRequestError } from "../../src/graph/types.ts";
import {
  CONTOSO_ID,
  DEMO_APP,
  DEMO_SECRET,
  DMP_PATH,
  FABRIKAM_ID,
  RA_PATH,
  READ_ONLY_APP,
  READ_ONLY_SECRET,
  emulatorEnv,
  graphRequests,
  tenantConfig,
} from "./emulator-fixtures.ts";
import { DEFAULT_SEED } from "../helpers/default-seed.ts";
import { isToolRequestId } from "../../src/tool-request-id.ts";

/**
 * The Graph client over real HTTPS against the emulator, with tokens from the real
 * @azure/identity through our credential and token provider. Faults are the emulator's.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let emulator: Emulator;
const providers = new Map<string, TokenProvider>();
const clients: HttpGraphClient[] = [];
let events: GraphRequestEvent[] = [];
let debugLines: string[] = [];

async function tokenProvider(
  tenantId: string,
  clientId = DEMO_APP,
  secret = DEMO_SECRET,
): Promise<TokenProvider> {
  const key = `${emulator.url} ${tenantId} ${clientId}`;
  const existing = providers.get(key);
  if (existing) return existing;
  const tenant = tenantConfig("t", tenantId, {
    method: "clientSecret",
    clientId,
    clientSecretEnv: "SECRET",
  });
  const credential = await createCredential(tenant, {
    env: emulatorEnv(emulator, { SECRET: secret }),
    configDir: ".",
    allowCustomEndpoint: false,
    ca: emulator.caPem,
  });
  const provider = createTokenProvider(credential, {
    scope: `${emulator.url}/.default`,
    tenantName: "t",
    method: "clientSecret",
  });
  providers.set(key, provider);
  return provider;
}

async function client(
  options: Partial<GraphClientOptions> & {
    tenantId?: string;
    clientId?: string;
    secret?: string;
  } = {},
): Promise<HttpGraphClient> {
  const provider = await tokenProvider(
    options.tenantId ?? CONTOSO_ID,
    options.clientId,
    options.secret,
  );
  const created = createGraphClient({
    graphUrl: emulator.url,
    tenant: "contoso",
    getAccessToken: (signal) => provider.getAccessToken(signal),
    ca: emulator.caPem,
    timeoutInMs: 5_000,
    onRequest: (event) => events.push(event),
    debug: (line) => debugLines.push(line),
    ...options,
    retry: { baseDelayInMs: 5, maxDelayInMs: 20, ...options.retry },
  });
  clients.push(created);
  return created;
}

function fault(rule: FaultRule): void {
  emulator.setFaults([rule]);
}

beforeAll(async () => {
  emulator = await startEmulator();
});

beforeEach(async () => {
  // Warm the token so each test's request log holds only its own Graph traffic.
  await (await tokenProvider(CONTOSO_ID)).getAccessToken();
  emulator.setFaults([]);
  emulator.reset();
  events = [];
  debugLines = [];
});

afterEach(() => {
  for (const created of clients.splice(0)) created.close();
  // Whatever the test did: every request Graph received carried a client-request-id.
  for (const request of graphRequests(emulator))
    expect(isToolRequestId(request.clientRequestId ?? "")).toBe(true);
});

afterAll(async () => {
  await emulator.close();
});

describe("listCollection", () => {
  it("sends $select with id and displayName, Accept, and a client-request-id", async () => {
    const objects = await (
      await client()
    ).listCollection({
      graphVersion: "beta",
      collectionPath: RA_PATH,
      select: ["onboardingStatus", "onboardingUrl"],
    });
    expect(objects.map((object) => object.id)).toEqual(
      emulator.objects("contoso", RA_PATH).map((object) => object.id),
    );
    expect(objects[0]).toMatchObject({
      displayName: "TeamViewer",
      onboardingStatus: "notOnboarded",
    });
    const [request] = graphRequests(emulator);
    expect(request?.path).toBe(`/beta${RA_PATH}`);
    expect(request?.query).toEqual({ $select: "id,displayName,onboardingStatus,onboardingUrl" });
    // The tool's own kind of GUID, which the audit log's correlationId gives back.
    expect(isToolRequestId(request?.clientRequestId ?? "")).toBe(true);
    expect(request?.tenant).toBe(CONTOSO_ID);
  });

  it("maps a 403 to Graph's code, the nested Intune message and the request-id, without retrying", async () => {
    const readOnly = await client({ clientId: READ_ONLY_APP, secret: READ_ONLY_SECRET });
    const error = await readOnly
      .patch({
        graphVersion: "beta",
        collectionPath: RA_PATH,
        id: "2d4b6f81-93a5-4c7e-b1d3-5f7a9c1e3b5d",
        body: { onboardingStatus: "onboarded" },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    const requests = graphRequests(emulator);
    expect(requests).toHaveLength(1);
    const requestId = requests[0]?.requestId;
    const { message, details } = error as GraphRequestError;
    expect(details).toMatchObject({
      status: 403,
      code: "Forbidden",
      requestId,
      attempts: 1,
      request: `PATCH /beta${RA_PATH}/2d4b6f81-93a5-4c7e-b1d3-5f7a9c1e3b5d`,
    });
    // Intune's JSON-in-a-string message is unwrapped to its Message.
    expect(message).toContain(
      `PATCH /beta${RA_PATH}/2d4b6f81-93a5-4c7e-b1d3-5f7a9c1e3b5d: HTTP 403 Forbidden: Application is not authorized to perform this operation.`,
    );
    expect(message).toContain("Operation ID (for customer support)");
    expect(message).not.toContain('"_version"');
    expect(message).toContain(`request-id ${requestId}`);
    expect(message).toContain("1 attempt)");
  });

  it.each([
    ["404", "no-such-id", { onboardingStatus: "onboarded" }, 404, "ResourceNotFound"],
    [
      "400",
      "2d4b6f81-93a5-4c7e-b1d3-5f7a9c1e3b5d",
      { onboardingStatus: "sideways" },
      400,
      "BadRequest",
    ],
  ])("does not retry a %s", async (_label, id, body, status, code) => {
    const error = await (
      await client()
    )
      .patch({ graphVersion: "beta", collectionPath: RA_PATH, id, body })
      .catch((e: unknown) => e);
    expect((error as GraphRequestError).details).toMatchObject({ status, code, attempts: 1 });
    expect(graphRequests(emulator)).toHaveLength(1);
  });
});

describe("retries", () => {
  const list = async (overrides: Partial<GraphClientOptions> = {}) =>
    (await client(overrides)).listCollection({
      graphVersion: "v1.0",
      collectionPath: RA_PATH,
      select: ["onboardingStatus"],
    });

  it.each([
    ["integer seconds", "1", 1000],
    ["fractional seconds", "0.25", 250],
  ])(
    "retries a 429 after Retry-After in %s, invisibly, with one client-request-id",
    async (_label, retryAfter, expected) => {
      fault({
        method: "GET",
        path: RA_PATH,
        times: 1,
        fault: { kind: "status", status: 429, retryAfter },
      });
      const objects = await list();
      expect(objects).toHaveLength(1);
      const requests = graphRequests(emulator);
      expect(requests.map((request) => request.status)).toEqual([429, 200]);
      expect(new Set(requests.map((request) => request.clientRequestId)).size).toBe(1);
      expect(events.map((event) => [event.status, event.attempt, event.retryInMs])).toEqual([
        [429, 1, expected],
        [200, 2, undefined],
      ]);
      expect(debugLines.join("\n")).toContain("(Retry-After)");
    },
  );

  it("retries a 429 after Retry-After as an HTTP date", async () => {
    // A minute ahead, so it is still ahead when the request comes however loaded the machine;
    // the cap keeps the test short. Ignoring the date would wait the back-off (at most 20 ms).
    const date = new Date(Date.now() + 60_000).toUTCString();
    fault({
      method: "GET",
      path: RA_PATH,
      times: 1,
      fault: { kind: "status", status: 429, retryAfter: date },
    });
    await list({ retry: { maxRetryAfterInMs: 300 } });
    expect(events[0]?.retryInMs).toBe(300);
    expect(debugLines.join("\n")).toContain("(Retry-After, capped)");
    expect(events.map((event) => event.status)).toEqual([429, 200]);
  });

  it("clamps a Retry-After above the cap", async () => {
    fault({
      method: "GET",
      path: RA_PATH,
      times: 1,
      fault: { kind: "status", status: 429, retryAfter: "3600" },
    });
    await list({ retry: { maxRetryAfterInMs: 50 } });
    expect(events[0]?.retryInMs).toBe(50);
    expect(debugLines.join("\n")).toContain("(Retry-After, capped)");
  });

  it.each([500, 502, 503, 504])("retries a %i and succeeds", async (status) => {
    fault({ method: "GET", path: RA_PATH, times: 2, fault: { kind: "status", status } });
    expect(await list()).toHaveLength(1);
    expect(graphRequests(emulator).map((request) => request.status)).toEqual([status, status, 200]);
  });

  it("retries a reset connection", async () => {
    fault({ method: "GET", path: RA_PATH, times: 1, fault: { kind: "reset" } });
    expect(await list()).toHaveLength(1);
    expect(events.map((event) => event.networkError ?? event.status)).toEqual(["ECONNRESET", 200]);
  });

  it("times out a hanging response and retries it", async () => {
    fault({ method: "GET", path: RA_PATH, times: 1, fault: { kind: "hang" } });
    expect(await list({ timeoutInMs: 300 })).toHaveLength(1);
    expect(events.map((event) => event.networkError ?? event.status)).toEqual(["ETIMEDOUT", 200]);
    expect(debugLines[0]).toContain("no complete response within 0.3 s");
  });

  it("retries a truncated JSON body a bounded number of times, then reports it", async () => {
    fault({ method: "GET", path: RA_PATH, times: 1, fault: { kind: "malformed-json" } });
    expect(await list()).toHaveLength(1);
    emulator.reset();
    fault({ method: "GET", path: RA_PATH, fault: { kind: "malformed-json" } });
    const error = (await list().catch((e: unknown) => e)) as GraphRequestError;
    expect(error.message).toContain(
      `GET /v1.0${RA_PATH}: GET /v1.0${RA_PATH} answered HTTP 200 with a body that is not valid JSON instead of Graph's JSON`,
    );
    // One try and two retries for a malformed body, however many attempts are allowed.
    expect(error.details.attempts).toBe(3);
    expect(graphRequests(emulator)).toHaveLength(3);
  });

  it("reports an HTML error page by its status, not its HTML", async () => {
    fault({ method: "GET", path: RA_PATH, fault: { kind: "html", status: 502 } });
    const error = (await list({ retry: { maxAttempts: 2 } }).catch(
      (e: unknown) => e,
    )) as GraphRequestError;
    expect(error.message).toContain("HTTP 502");
    expect(error.message).toContain("the response was an HTML page, not a Graph error");
    expect(error.message).not.toContain("<");
    expect(error.details.attempts).toBe(2);
  });

  it("reports a persistent failure with Graph's code, message, request-id and the attempt count", async () => {
    fault({
      method: "GET",
      path: RA_PATH,
      fault: { kind: "status", status: 503, retryAfter: "0" },
    });
    const error = (await list({ retry: { maxAttempts: 3 } }).catch(
      (e: unknown) => e,
    )) as GraphRequestError;
    const requests = graphRequests(emulator);
    expect(requests).toHaveLength(3);
    const last = requests[2];
    expect(error.details).toMatchObject({
      status: 503,
      code: "ServiceUnavailable",
      requestId: last?.requestId,
      attempts: 3,
    });
    expect(error.details.clientRequestId).toBe(last?.clientRequestId);
    expect(error.message).toBe(
      `GET /v1.0${RA_PATH}: HTTP 503 ServiceUnavailable: The service is temporarily unavailable. Please retry later. (request-id ${last?.requestId}, client-request-id ${last?.clientRequestId}; 3 attempts)`,
    );
  });

  it("gives up before a wait that would pass the deadline", async () => {
    fault({
      method: "GET",
      path: RA_PATH,
      fault: { kind: "status", status: 429, retryAfter: "30" },
    });
    const error = (await list({ retry: { deadlineInMs: 10_000 } }).catch(
      (e: unknown) => e,
    )) as GraphRequestError;
    expect(error.message).toContain(
      "gave up after 1 attempt: the next wait would pass the 10 s deadline",
    );
    expect(graphRequests(emulator)).toHaveLength(1);
  });

  it("reports a retried PATCH once", async () => {
    fault({ method: "PATCH", path: RA_PATH, times: 1, fault: { kind: "status", status: 503 } });
    const response = await (
      await client()
    ).patch({
      graphVersion: "v1.0",
      collectionPath: RA_PATH,
      id: "2d4b6f81-93a5-4c7e-b1d3-5f7a9c1e3b5d",
      body: { onboardingStatus: "onboarding" },
    });
    expect(response.status).toBe(204);
    expect(graphRequests(emulator).map((request) => request.status)).toEqual([503, 204]);
    expect(emulator.objects("contoso", RA_PATH)[0]?.onboardingStatus).toBe("onboarding");
  });
});

describe("paging and PATCH 200", () => {
  let paging: Emulator;
  beforeAll(async () => {
    paging = await startEmulator({ pageSize: 1, patchStatus: 200 });
  });
  afterAll(async () => {
    await paging.close();
  });

  async function pagingClient(): Promise<HttpGraphClient> {
    const tenant = tenantConfig("fabrikam", FABRIKAM_ID, {
      method: "clientSecret",
      clientId: DEMO_APP,
      clientSecretEnv: "SECRET",
    });
    const credential = await createCredential(tenant, {
      env: emulatorEnv(paging, { SECRET: DEMO_SECRET }),
      configDir: ".",
      allowCustomEndpoint: false,
      ca: paging.caPem,
    });
    const provider = createTokenProvider(credential, {
      scope: `${paging.url}/.default`,
      tenantName: "fabrikam",
      method: "clientSecret",
    });
    const created = createGraphClient({
      graphUrl: paging.url,
      tenant: "fabrikam",
      getAccessToken: (signal) => provider.getAccessToken(signal),
      ca: paging.caPem,
      retry: { baseDelayInMs: 5 },
    });
    clients.push(created);
    return created;
  }

  it("follows @odata.nextLink across pages, each with its own client-request-id", async () => {
    const objects = await (
      await pagingClient()
    ).listCollection({ graphVersion: "v1.0", collectionPath: DMP_PATH, select: ["partnerState"] });
    expect(objects.map((object) => object.id)).toEqual(
      paging.objects("fabrikam", DMP_PATH).map((object) => object.id),
    );
    expect(objects).toHaveLength(2);
    const requests = graphRequests(paging);
    expect(requests).toHaveLength(2);
    expect(
      requests.every((request) => request.query.$select === "id,displayName,partnerState"),
    ).toBe(true);
    expect(requests[1]?.query.$skiptoken).toBeDefined();
    const ids = requests.map((request) => request.clientRequestId);
    expect(ids.every((id) => id !== undefined)).toBe(true);
    expect(new Set(ids).size).toBe(2);
  });

  it("accepts a PATCH answered 200 with the object", async () => {
    const response = await (
      await pagingClient()
    ).patch({
      graphVersion: "v1.0",
      collectionPath: RA_PATH,
      id: "6c8e0a2b-4d6f-4a1c-9e3b-7f9d1b3c5e7a",
      body: { onboardingStatus: "onboarding" },
    });
    expect(response.status).toBe(200);
    expect(response.object).toMatchObject({
      id: "6c8e0a2b-4d6f-4a1c-9e3b-7f9d1b3c5e7a",
      onboardingStatus: "onboarding",
    });
    expect(response.requestId).toBe(graphRequests(paging).at(-1)?.requestId);
  });
});

describe("secrets", () => {
  it("never puts a token or secret in debug lines or events", async () => {
    fault({
      method: "GET",
      path: RA_PATH,
      times: 1,
      fault: { kind: "status", status: 429, retryAfter: "0" },
    });
    await (
      await client()
    ).listCollection({ graphVersion: "beta", collectionPath: RA_PATH, select: [] });
    const token = await (await tokenProvider(CONTOSO_ID)).getAccessToken();
    const output = JSON.stringify({ debugLines, events });
    expect(debugLines.length).toBeGreaterThan(0);
    expect(output).not.toContain(token);
    expect(output).not.toContain(token.split(".")[2]);
    expect(output).not.toContain(DEMO_SECRET);
    expect(output).not.toMatch(/Bearer|authorization/i);
  });
});

describe("invokeAction", () => {
  it("POSTs the bound action without parameters and resolves on Graph's 204", async () => {
    const teamviewerId = DEFAULT_SEED.contoso.teamViewerId;
    const result = await (
      await client()
    ).invokeAction({
      graphVersion: "beta",
      collectionPath: RA_PATH,
      id: teamviewerId,
      action: "beginOnboarding",
    });
    expect(result.requestId).toMatch(UUID);
    const [request] = graphRequests(emulator);
    expect(request).toMatchObject({
      method: "POST",
      path: `/beta${RA_PATH}/${teamviewerId}/beginOnboarding`,
      status: 204,
    });
    expect(emulator.objects("contoso", RA_PATH)[0]?.["onboardingStatus"]).toBe("onboarding");
  });

  it("reports a refused action with Graph's status and code", async () => {
    const readOnly = await client({ clientId: READ_ONLY_APP, secret: READ_ONLY_SECRET });
    const jamfId = DEFAULT_SEED.contoso.jamfId;
    const error = await readOnly
      .invokeAction({
        graphVersion: "beta",
        collectionPath: DMP_PATH,
        id: jamfId,
        action: "terminate",
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error).toMatchObject({ details: { status: 403, code: "Forbidden" } });
    expect(emulator.objects("contoso", DMP_PATH)[0]?.["partnerState"]).not.toBe("terminated");
  });
});
