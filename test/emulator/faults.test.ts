import { ClientSecretCredential } from "@azure/identity";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  loadFaults,
  startEmulator,
  type Emulator,
  type FaultRule,
} from "../../src/emulator/index.ts";
import {
  CONTOSO,
  DEMO_APP,
  GRAPH_SCOPE,
  credentialOptions,
  http,
  json,
  secretToken,
  tokenRequest,
} from "./helpers.ts";

const RA_PATH = "/v1.0/deviceManagement/remoteAssistancePartners";

let emulator: Emulator;
let token: string;

beforeAll(async () => {
  emulator = await startEmulator();
  token = await secretToken(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.setFaults([]);
  emulator.reset();
});

const list = (options: { timeoutMs?: number } = {}) =>
  http(emulator, "GET", RA_PATH, { token, ...options });

describe("status faults", () => {
  it.each([
    ["integer seconds", "2"],
    ["fractional seconds", "2.128"],
    ["an HTTP date", "Wed, 21 Oct 2026 07:28:00 GMT"],
  ])("429 with Retry-After as %s, in Graph's error shape", async (_case, retryAfter) => {
    emulator.setFaults([
      { path: "remoteAssistancePartners", fault: { kind: "status", status: 429, retryAfter } },
    ]);
    const response = await list();
    expect(response.status).toBe(429);
    expect(response.headers["retry-after"]).toBe(retryAfter);
    expect(response.headers["request-id"]).toEqual(expect.any(String));
    expect(json(response).error).toMatchObject({
      code: "TooManyRequests",
      innerError: { "request-id": response.headers["request-id"] },
    });
  });

  it.each([
    [503, "ServiceUnavailable"],
    [500, "InternalServerError"],
    [502, "BadGateway"],
    [504, "GatewayTimeout"],
  ])("%i with code %s", async (status, code) => {
    emulator.setFaults([
      { fault: { kind: "status", status, ...(status === 503 ? { retryAfter: "1" } : {}) } },
    ]);
    const response = await list();
    expect(response.status).toBe(status);
    expect(json(response).error.code).toBe(code);
    if (status === 503) expect(response.headers["retry-after"]).toBe("1");
  });

  it("injects after N matches, N times, only for the method and path given", async () => {
    emulator.setFaults([
      {
        method: "patch",
        path: "^/v1\\.0/",
        after: 1,
        times: 2,
        fault: { kind: "status", status: 503 },
      },
    ]);
    const patchOnce = () =>
      http(emulator, "PATCH", `${RA_PATH}/2d4b6f81-93a5-4c7e-b1d3-5f7a9c1e3b5d`, {
        token,
        body: {},
      });
    expect((await list()).status).toBe(200); // GET: not matched
    expect(
      (
        await http(
          emulator,
          "PATCH",
          `/beta/deviceManagement/remoteAssistancePartners/2d4b6f81-93a5-4c7e-b1d3-5f7a9c1e3b5d`,
          { token, body: {} },
        )
      ).status,
    ).toBe(204);
    const statuses = [];
    for (let attempt = 0; attempt < 5; attempt++) statuses.push((await patchOnce()).status);
    expect(statuses).toEqual([204, 503, 503, 204, 204]);
  });

  it("draws probabilities from a seeded generator: the same seed gives the same faults", async () => {
    const rules: FaultRule[] = [{ probability: 0.5, fault: { kind: "status", status: 503 } }];
    const run = async () => {
      emulator.setFaults(rules);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 12; attempt++) statuses.push((await list()).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);
  });

  it("can answer an error status with an HTML page or a truncated JSON body", async () => {
    emulator.setFaults([
      { times: 1, fault: { kind: "status", status: 500, body: "html" } },
      { fault: { kind: "status", status: 502, body: "malformed-json" } },
    ]);
    const html = await list();
    expect(html.status).toBe(500);
    expect(html.headers["content-type"]).toMatch(/^text\/html/);
    const truncated = await list();
    expect(truncated.status).toBe(502);
    expect(() => JSON.parse(truncated.text)).toThrow(SyntaxError);
  });
});

describe("transport faults", () => {
  it("reset drops the connection without an answer", async () => {
    emulator.setFaults([{ times: 1, fault: { kind: "reset" } }]);
    await expect(list()).rejects.toMatchObject({
      code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/),
    });
    expect((await list()).status).toBe(200);
    expect(emulator.requests[0]).toMatchObject({ status: 0, fault: { kind: "reset" } });
  });

  it("hang never answers: the client's own timeout ends the request", async () => {
    emulator.setFaults([{ times: 1, fault: { kind: "hang" } }]);
    await expect(list({ timeoutMs: 300 })).rejects.toThrow(/timed out after 300 ms/);
    expect((await list()).status).toBe(200);
  });

  it("malformed-json answers 200 with a JSON content type over a body that does not parse", async () => {
    emulator.setFaults([{ fault: { kind: "malformed-json" } }]);
    const response = await list();
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(() => JSON.parse(response.text)).toThrow(SyntaxError);
  });

  it("html answers a gateway's HTML error page", async () => {
    emulator.setFaults([{ fault: { kind: "html" } }]);
    const response = await list();
    expect(response.status).toBe(502);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.text).toMatch(/^<!DOCTYPE html>/);
  });
});

describe("token endpoint faults", () => {
  it("answers a faulted token request in the token endpoint's own dialect", async () => {
    emulator.setFaults([
      {
        path: "/oauth2/v2\\.0/token$",
        times: 1,
        fault: { kind: "status", status: 503, retryAfter: "3" },
      },
    ]);
    const response = await tokenRequest(emulator, CONTOSO, {
      grant_type: "client_credentials",
      client_id: DEMO_APP.clientId,
      client_secret: DEMO_APP.secret,
      scope: GRAPH_SCOPE,
    });
    expect(response.status).toBe(503);
    expect(response.headers["retry-after"]).toBe("3");
    expect(json(response)).toMatchObject({
      error: "temporarily_unavailable",
      error_codes: [50000],
    });
  });

  it("a 400 from the token endpoint fails the real credential with that text", async () => {
    emulator.setFaults([{ path: "/oauth2/", times: 1, fault: { kind: "status", status: 400 } }]);
    const credential = new ClientSecretCredential(
      CONTOSO,
      DEMO_APP.clientId,
      DEMO_APP.secret,
      credentialOptions(emulator),
    );
    await expect(credential.getToken(GRAPH_SCOPE)).rejects.toThrow(/AADSTS50000/);
  });

  it("never faults the admin routes", async () => {
    emulator.setFaults([{ fault: { kind: "status", status: 503 } }]);
    expect((await http(emulator, "GET", "/_emulator/requests")).status).toBe(200);
    expect((await http(emulator, "GET", "/_emulator/health")).status).toBe(200);
  });
});

describe("configuration", () => {
  it("reads a faults file in YAML (or JSON) with its random seed", () => {
    const file = loadFaults(`randomSeed: 7
faults:
  - method: PATCH
    path: deviceManagementPartners
    times: 2
    fault: { kind: status, status: 429, retryAfter: 2.5 }
  - probability: 0.1
    fault: { kind: reset }
`);
    expect(file.randomSeed).toBe(7);
    expect(file.faults[0]).toEqual({
      method: "PATCH",
      path: "deviceManagementPartners",
      times: 2,
      fault: { kind: "status", status: 429, retryAfter: "2.5" },
    });
    expect(loadFaults('[{"fault":{"kind":"hang"}}]').faults).toEqual([{ fault: { kind: "hang" } }]);
  });

  it("lists every problem of a bad faults file", () => {
    expect(() =>
      loadFaults("- fault: { kind: status }\n- path: '('\n  fault: { kind: teapot }\n"),
    ).toThrow(/faults is invalid:[\s\S]*status[\s\S]*path[\s\S]*kind/);
  });

  it("sets rules at run time through PUT /_emulator/faults", async () => {
    const put = await http(emulator, "PUT", "/_emulator/faults", {
      body: [{ times: 1, fault: { kind: "status", status: 504 } }],
    });
    expect(put.status).toBe(204);
    expect((await list()).status).toBe(504);
    expect((await list()).status).toBe(200);
    const bad = await http(emulator, "PUT", "/_emulator/faults", {
      body: [{ fault: { kind: "nope" } }],
    });
    expect(bad.status).toBe(400);
  });
});

describe("latency", () => {
  it("delays every Graph and token answer by latencyMs", async () => {
    const slow = await startEmulator({ latencyMs: 150 });
    try {
      let started = performance.now();
      const slowToken = await secretToken(slow);
      // Discovery and token: two delayed requests.
      expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 150 - 5);
      started = performance.now();
      const response = await http(slow, "GET", RA_PATH, { token: slowToken });
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(150 - 5);
    } finally {
      await slow.close();
    }
  });
});
